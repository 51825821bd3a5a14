using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>Stores an enum as the same snake_case text the API shows (<c>awaiting_payment</c>).</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    value => ToText(value),
    text => Enum.Parse<TEnum>(text.Replace("_", "", StringComparison.Ordinal), true))
    where TEnum : struct, Enum
{
    public static string ToText(TEnum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The SQL list of every value, for check constraints.</summary>
    public static string SqlValues() => string.Join(", ", Enum.GetValues<TEnum>().Select(v => $"'{ToText(v)}'"));
}

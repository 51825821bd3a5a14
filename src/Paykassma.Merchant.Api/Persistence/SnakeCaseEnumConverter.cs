using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>Stores an enum as the same snake_case text the API shows (<c>awaiting_payment</c>).</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    value => ToText(value),
    text => Enum.Parse<TEnum>(text.Replace("_", "", StringComparison.Ordinal), true))
    where TEnum : struct, Enum
{
    // Computed once per enum: statuses and directions are written on hot paths (every postback).
    private static readonly Dictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToDictionary(value => value, value => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()));

    public static string ToText(TEnum value) => Names.TryGetValue(value, out var name) ? name : JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>Parses the exact snake_case name (as the API shows it), e.g. from a query string.</summary>
    public static bool TryParse(string? text, out TEnum value)
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(ToText(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static string AllowedValues() => string.Join(", ", Enum.GetValues<TEnum>().Select(ToText));

    /// <summary>The SQL list of every value, for check constraints.</summary>
    public static string SqlValues() => SqlList(Enum.GetValues<TEnum>());

    /// <summary>One value as an SQL literal, spelled as the column stores it and quoted (AwaitingPayment: awaiting_payment, in single quotes).</summary>
    public static string SqlLiteral(TEnum value) => $"'{ToText(value)}'";

    /// <summary>
    /// Values as an SQL list in enum order, whatever order they are given in, so that a statement's
    /// guard reads exactly like the index filter that serves it.
    /// </summary>
    public static string SqlList(IEnumerable<TEnum> values) =>
        string.Join(", ", Enum.GetValues<TEnum>().Where(values.Contains).Select(SqlLiteral));
}

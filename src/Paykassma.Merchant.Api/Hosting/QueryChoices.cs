using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>A fixed set of text values (event types, unapplied reasons) that a query filter may take.</summary>
public interface IChoiceSet
{
    static abstract IReadOnlyList<string> All { get; }
}

/// <summary>
/// A query parameter type whose values are a fixed list: the OpenAPI document states the list
/// (<c>type: string</c>, <c>enum</c>), so Swagger UI offers a dropdown and a generated client a union,
/// from the very list the endpoint checks against.
/// </summary>
public interface IQueryChoices
{
    static abstract IReadOnlyList<string> Choices { get; }
}

/// <summary>
/// An optional filter on a snake_case enum (<c>?status=confirmed</c>). It binds any text, so that an
/// unknown value is reported by the endpoint, under the parameter's name and with the other problems
/// of the request, rather than by the framework as an unreadable request.
/// </summary>
public readonly record struct QueryEnum<TEnum>(string Text) : IQueryChoices
    where TEnum : struct, Enum
{
    public static IReadOnlyList<string> Choices { get; } = Enum.GetValues<TEnum>().Select(SnakeCaseEnumConverter<TEnum>.ToText).ToList();

    /// <summary>The framework's binding hook (minimal APIs find it by name).</summary>
    public static bool TryParse(string? value, out QueryEnum<TEnum> result)
    {
        result = new QueryEnum<TEnum>(value ?? "");
        return true;
    }

    /// <summary>The value, or null with the refusal added to <paramref name="errors"/> under <paramref name="name"/>.</summary>
    public TEnum? Read(string name, IDictionary<string, string[]> errors)
    {
        if (SnakeCaseEnumConverter<TEnum>.TryParse(Text, out var value))
        {
            return value;
        }
        errors[name] = [$"One of: {string.Join(", ", Choices)}."];
        return null;
    }
}

/// <summary>An optional filter on one of a fixed set of text values (<c>?type=deposit.confirmed</c>), as <see cref="QueryEnum{TEnum}"/>.</summary>
public readonly record struct QueryChoice<TSet>(string Text) : IQueryChoices
    where TSet : IChoiceSet
{
    public static IReadOnlyList<string> Choices => TSet.All;

    public static bool TryParse(string? value, out QueryChoice<TSet> result)
    {
        result = new QueryChoice<TSet>(value ?? "");
        return true;
    }

    /// <summary>The value, or null with the refusal added to <paramref name="errors"/> under <paramref name="name"/>.</summary>
    public string? Read(string name, IDictionary<string, string[]> errors)
    {
        if (TSet.All.Contains(Text, StringComparer.Ordinal))
        {
            return Text;
        }
        errors[name] = [$"One of: {string.Join(", ", TSet.All)}."];
        return null;
    }
}

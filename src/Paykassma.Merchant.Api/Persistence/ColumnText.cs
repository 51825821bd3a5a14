namespace Paykassma.Merchant.Api.Persistence;

/// <summary>
/// Fits a value from outside (a request, an unsigned postback field, a file name) to a text column:
/// at most <c>maxLength</c> UTF-16 units, never cut inside a surrogate pair (half an emoji cannot be
/// encoded, and the insert would fail), and without NUL, which JSON allows and PostgreSQL text does not.
/// Every bounded value from outside goes through here.
/// </summary>
public static class ColumnText
{
    public static string? Fit(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }
        var bounded = value.Length <= maxLength ? value : value[..WholeCharacters(value, maxLength)];
        return bounded.Contains('\0', StringComparison.Ordinal) ? bounded.Replace('\0', '\uFFFD') : bounded;
    }

    /// <summary>The longest prefix of at most maxLength UTF-16 units that ends on a whole character.</summary>
    private static int WholeCharacters(string value, int maxLength) =>
        maxLength > 0 && char.IsHighSurrogate(value[maxLength - 1]) ? maxLength - 1 : maxLength;
}

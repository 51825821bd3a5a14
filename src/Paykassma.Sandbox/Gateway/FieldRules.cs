namespace Paykassma.Sandbox.Gateway;

/// <summary>The gateway's field checks, worded so a developer sees at once which field is wrong and why.</summary>
internal static class FieldRules
{
    /// <summary>The gateway's limit for labels, wallet types and our transaction ids.</summary>
    public const int MaxTextLength = 190;

    /// <summary>Counts code points like PHP's mb_strlen (what a Laravel "max:190" rule measures), not UTF-16 units.</summary>
    public static int TextLength(string value) => value.EnumerateRunes().Count();

    /// <summary>A UTF-16 surrogate without its pair: text no UTF-8 encoder (PHP's included) can write.</summary>
    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }

    public static string? CheckText(string field, string? value, int maxLength) => value switch
    {
        null => $"{field} is required",
        // The gateway's PHP stack trims input, so a blank value arrives there as a missing one.
        _ when string.IsNullOrWhiteSpace(value) => $"{field} must not be empty",
        _ when TextLength(value) > maxLength => $"{field} must be at most {maxLength} characters",
        _ => null,
    };

    public static string? CheckExactly(string field, string? value, int maxLength, string expected) =>
        CheckText(field, value, maxLength)
        ?? (string.Equals(value, expected, StringComparison.Ordinal) ? null : $"{field} must be {expected}");

    /// <summary>Several problems are reported together: one round trip shows a developer everything to fix.</summary>
    public static string Join(IEnumerable<string> problems) => string.Join("; ", problems);
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// A point in time from a query string (<c>?from=</c>, <c>?to=</c>), always in UTC. Every time
/// filter binds through this type rather than <see cref="DateTimeOffset"/>: the framework keeps the
/// client's offset (<c>+06:00</c>), and Npgsql refuses a non-zero offset for <c>timestamptz</c>, so
/// the filter answered 500. Any ISO-8601 offset is accepted and converted here, once; a value with
/// no offset is UTC (not the server's zone); anything unparseable is the framework's 400 problem.
/// </summary>
public readonly partial record struct QueryTime(DateTimeOffset Utc)
{
    /// <summary>The framework's binding hook (minimal APIs find it by name).</summary>
    public static bool TryParse(string? value, out QueryTime result)
    {
        result = default;
        // .NET's parser skips a trailing NUL; a value with a control character is not a time anyone wrote.
        if (string.IsNullOrEmpty(value) || value.Any(char.IsControl))
        {
            return false;
        }
        // A '+' not percent-encoded arrives as a space (form encoding): "T00:00:00 06:00". A space can
        // stand nowhere else between a time and an offset, so it is read as the '+' that was sent.
        if (SpaceForPlus().Match(value) is { Success: true } lost)
        {
            value = lost.Groups["time"].Value + "+" + lost.Groups["offset"].Value;
        }
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }
        result = new QueryTime(parsed.ToUniversalTime());
        return true;
    }

    public override string ToString() => Utc.ToString("O", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<time>\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?) (?<offset>\d{2}(:?\d{2})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex SpaceForPlus();
}

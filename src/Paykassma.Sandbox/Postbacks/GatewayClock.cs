using System.Globalization;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// Writes instants as the gateway does: <c>yyyy-MM-dd HH:mm:ss</c> in the account's zone, with no
/// offset in the text, so a receiver that assumes UTC is visibly hours off.
/// </summary>
internal sealed class GatewayClock
{
    public const string Format = "yyyy-MM-dd HH:mm:ss";

    private readonly TimeZoneInfo _zone;

    private GatewayClock(TimeZoneInfo zone) => _zone = zone;

    /// <summary>Takes a fixed offset (<c>+08:00</c>, <c>-05:30</c>) or a zone id (<c>Asia/Manila</c>).</summary>
    public static bool TryParse(string? text, out GatewayClock clock)
    {
        clock = null!;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        if (trimmed[0] is '+' or '-')
        {
            if (!TimeSpan.TryParseExact(trimmed[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var offset)
                || offset > TimeSpan.FromHours(14))
            {
                return false;
            }

            var signed = trimmed[0] == '-' ? -offset : offset;
            clock = new GatewayClock(TimeZoneInfo.CreateCustomTimeZone(trimmed, signed, trimmed, trimmed));
            return true;
        }

        try
        {
            clock = new GatewayClock(TimeZoneInfo.FindSystemTimeZoneById(trimmed));
            return true;
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    public string Write(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, _zone).ToString(Format, CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Paykassma.PluginApi;

/// <summary>
/// The gateway writes datetimes like <c>2026-01-27 09:32:01</c> in the account's zone (default
/// +08:00) without saying which; this turns them into UTC instants.
/// </summary>
public sealed class GatewayTimeZone
{
    /// <summary>How the gateway writes a datetime: no offset, in the account's zone.</summary>
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss";

    private readonly TimeZoneInfo _zone;

    private GatewayTimeZone(TimeZoneInfo zone) => _zone = zone;

    public static bool TryParse(string? text, out GatewayTimeZone zone)
    {
        zone = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed[0] is '+' or '-')
        {
            var sign = trimmed[0] == '-' ? -1 : 1;
            if (!TimeSpan.TryParseExact(trimmed[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var offset)
                || offset > TimeSpan.FromHours(14))
            {
                return false;
            }
            zone = new GatewayTimeZone(TimeZoneInfo.CreateCustomTimeZone(trimmed, sign * offset, trimmed, trimmed));
            return true;
        }

        try
        {
            zone = new GatewayTimeZone(TimeZoneInfo.FindSystemTimeZoneById(trimmed));
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    public static GatewayTimeZone Parse(string? text) =>
        TryParse(text, out var zone) ? zone : throw new FormatException("Not a gateway time zone.");

    /// <summary>
    /// Reads a gateway datetime (<c>yyyy-MM-dd HH:mm:ss</c>) as UTC; null when it is not one, or when it
    /// names no representable instant (<c>0001-01-01 00:00:00</c> at +08:00 is before year 1 in UTC).
    /// A gateway's "zero" date is data to keep, not a reason to fail.
    /// </summary>
    public DateTimeOffset? ToUtc(string? gatewayDateTime)
    {
        if (!DateTime.TryParseExact(gatewayDateTime, DateTimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
        {
            return null;
        }

        var offset = _zone.GetUtcOffset(local);
        var utcTicks = local.Ticks - offset.Ticks;
        // The extremes too: the database driver would store them as -infinity/infinity.
        if (utcTicks <= DateTime.MinValue.Ticks || utcTicks >= DateTime.MaxValue.Ticks)
        {
            return null;
        }
        return new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }

    /// <summary>
    /// The instant a day begins in this zone (its local midnight): the boundaries of a daily report that
    /// sits beside the gateway's personal account, which counts days in the account's zone.
    /// </summary>
    public DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local.Ticks - _zone.GetUtcOffset(local).Ticks, TimeSpan.Zero);
    }

    /// <summary>Writes an instant as the gateway does (the sandbox uses it to play the gateway).</summary>
    public string ToGatewayText(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, _zone).ToString(DateTimeFormat, CultureInfo.InvariantCulture);
}

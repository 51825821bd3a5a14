using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// Decides whether a rejected postback is written down. Junk is judged before this is asked
/// (parsing and a signature check cost microseconds), so a genuine, verified postback never meets
/// it; what it bounds is how fast junk can grow the database. Two budgets a minute, per instance:
/// a count per source (an IPv6 source is its /64, which one host can fill with addresses) and the
/// bytes of all sources together, which no rotation of addresses escapes. A shield, not an accounting.
/// </summary>
public sealed class RejectedPostbackShield(IOptions<RateLimitOptions> limits, IOptions<PostbackOptions> options, TimeProvider time)
{
    /// <summary>What a row costs beyond its body (columns, index entries), so that empty bodies are not free.</summary>
    public const int RowOverheadBytes = 512;

    /// <summary>Sources tracked a minute. Past it new sources meet only the byte budget: memory stays bounded.</summary>
    public const int MaxSourcesTracked = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _countBySource = new(StringComparer.Ordinal);
    private long _minute = -1;
    private long _bytes;

    public bool ShouldRecord(IPAddress? source, int bodyBytesKept)
    {
        var perSource = limits.Value.RejectedPostbacksRecordedPerSourcePerMinute;
        var cost = (long)bodyBytesKept + RowOverheadBytes;
        var key = SourceKey(source);
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            if (minute != _minute)
            {
                _minute = minute;
                _bytes = 0;
                _countBySource.Clear();
            }
            if (_bytes + cost > options.Value.RejectedBytesPerMinute)
            {
                return false;
            }
            var known = _countBySource.TryGetValue(key, out var count);
            if (count >= perSource)
            {
                return false;
            }
            if (known || _countBySource.Count < MaxSourcesTracked)
            {
                _countBySource[key] = count + 1;
            }
            _bytes += cost;
            return true;
        }
    }

    /// <summary>An IPv4 address as it is; an IPv6 address by its /64 (one subscriber's network).</summary>
    public static string SourceKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}

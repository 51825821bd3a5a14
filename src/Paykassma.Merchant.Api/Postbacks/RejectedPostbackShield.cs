using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// Decides whether a rejected postback's body is written down. Junk is judged before this is
/// asked (parsing and a signature check cost microseconds), so a genuine postback never meets
/// it; what it bounds is how fast a flood of junk from one source can grow the database. The
/// count is per instance and per minute: a shield, not an accounting.
/// </summary>
public sealed class RejectedPostbackShield(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    public bool ShouldRecord(string? source)
    {
        var limit = options.Value.RejectedPostbacksRecordedPerSourcePerMinute;
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var window = _windows.AddOrUpdate(source ?? "unknown",
            _ => new Window(minute, 1),
            (_, current) => current.Minute == minute ? current with { Count = current.Count + 1 } : new Window(minute, 1));
        if (_windows.Count > 10_000)
        {
            // Many sources: forget the ones from earlier minutes rather than grow without bound.
            foreach (var stale in _windows.Where(pair => pair.Value.Minute != minute).Select(pair => pair.Key).ToList())
            {
                _windows.TryRemove(stale, out _);
            }
        }
        return window.Count <= limit;
    }

    private sealed record Window(long Minute, int Count);
}

using System.Text.Json.Nodes;

namespace Paykassma.Bench;

/// <summary>
/// Exact percentiles (nearest rank) over every recorded latency: the runs are short enough to keep
/// all samples, so no histogram bucketing error is added. Values are microseconds.
/// </summary>
internal static class Latencies
{
    public static double Percentile(long[] sorted, double percentile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>p50, p90, p99, p99.9 and max in milliseconds.</summary>
    public static JsonObject Summary(IEnumerable<long> microseconds)
    {
        var sorted = microseconds.ToArray();
        Array.Sort(sorted);
        return new JsonObject
        {
            ["count"] = sorted.Length,
            ["p50_ms"] = Ms(Percentile(sorted, 50)),
            ["p90_ms"] = Ms(Percentile(sorted, 90)),
            ["p99_ms"] = Ms(Percentile(sorted, 99)),
            ["p999_ms"] = Ms(Percentile(sorted, 99.9)),
            ["max_ms"] = Ms(sorted.Length == 0 ? double.NaN : sorted[^1]),
            ["mean_ms"] = Ms(sorted.Length == 0 ? double.NaN : sorted.Average()),
        };
    }

    public static double Ms(double microseconds) => double.IsNaN(microseconds) ? -1 : Math.Round(microseconds / 1000.0, 3);
}

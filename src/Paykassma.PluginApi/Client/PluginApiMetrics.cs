using System.Diagnostics.Metrics;

namespace Paykassma.PluginApi.Client;

/// <summary>
/// Gateway calls as a latency histogram, tagged by operation and outcome (and failure kind): how
/// often the gateway refuses, fails or is slow. Tag values come from fixed sets, never from input.
/// </summary>
public sealed class PluginApiMetrics
{
    public const string MeterName = "Paykassma.PluginApi";

    private readonly Histogram<double> _duration;

    public PluginApiMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram("paykassma.gateway.call.duration", unit: "s",
            description: "Gateway calls (retries included) by operation and outcome",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
            });
    }

    internal void Record(string operation, GatewayOutcome outcome, GatewayFailureKind? failure, double seconds) =>
        _duration.Record(seconds,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("outcome", outcome switch
            {
                GatewayOutcome.Accepted => "accepted",
                GatewayOutcome.Refused => "refused",
                _ => "failed",
            }),
            new KeyValuePair<string, object?>("failure", failure switch
            {
                null => "none",
                GatewayFailureKind.Timeout => "timeout",
                GatewayFailureKind.Unreachable => "unreachable",
                GatewayFailureKind.ServerError => "server_error",
                _ => "unreadable_response",
            }));
}

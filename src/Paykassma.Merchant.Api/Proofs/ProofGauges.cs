using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>The proof queue's gauges: what the dispatcher's claim may still take (both served by the (status, created_at) index).</summary>
public sealed class ProofGauges(IOptions<MetricsOptions> options) : IGaugeSource
{
    private static readonly string Queued = GaugeSql.Queue("proofs", ProofTransitions.Moves.From(ProofMove.Claim));

    public long QueueDepth { get; private set; }

    public double OldestQueuedAgeSeconds { get; private set; }

    public void AddTo(NpgsqlBatch batch, DateTimeOffset now) => batch.BatchCommands.Add(GaugeSql.Command(Queued, options.Value));

    public async Task ReadAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken) =>
        (QueueDepth, OldestQueuedAgeSeconds) = await GaugeSql.ReadQueueAsync(reader, now, cancellationToken);

    public void Register(Meter meter)
    {
        meter.CreateObservableGauge("paykassma.proofs.queue.depth", () => QueueDepth,
            description: "Proofs stored but not yet accepted or refused by the gateway (queued or submitting), "
                + "counted up to Metrics:CountLimit: at the limit, at least that many");
        meter.CreateObservableGauge("paykassma.proofs.queue.oldest_age", () => OldestQueuedAgeSeconds, unit: "s",
            description: "Age of the oldest undelivered proof");
    }
}

using System.Diagnostics.Metrics;
using Npgsql;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>The proof queue's gauges: what the dispatcher's claim may still take (the claim's index serves the count).</summary>
public sealed class ProofGauges : IGaugeSource
{
    private static readonly string Queued = GaugeSql.Queue("proofs", ProofTransitions.Moves.SqlFrom(ProofMove.Claim));

    public long QueueDepth { get; private set; }

    public double OldestQueuedAgeSeconds { get; private set; }

    public void AddTo(NpgsqlBatch batch, DateTimeOffset now) => batch.BatchCommands.Add(new NpgsqlBatchCommand(Queued));

    public async Task ReadAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken) =>
        (QueueDepth, OldestQueuedAgeSeconds) = await GaugeSql.ReadQueueAsync(reader, now, cancellationToken);

    public void Register(Meter meter)
    {
        meter.CreateObservableGauge("paykassma.proofs.queue.depth", () => QueueDepth,
            description: "Proofs stored but not yet accepted or refused by the gateway (queued or submitting)");
        meter.CreateObservableGauge("paykassma.proofs.queue.oldest_age", () => OldestQueuedAgeSeconds, unit: "s",
            description: "Age of the oldest undelivered proof");
    }
}

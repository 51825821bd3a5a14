using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Events;

/// <summary>The outbox's gauges: money events written but not yet delivered (both served by the (status, created_at) index).</summary>
public sealed class EventGauges(IOptions<MetricsOptions> options) : IGaugeSource
{
    private static readonly string Undelivered = GaugeSql.Queue("outbox_events", EventTransitions.Moves.From(EventMove.Claim));

    public long Pending { get; private set; }

    public double OldestAgeSeconds { get; private set; }

    public void AddTo(NpgsqlBatch batch, DateTimeOffset now) => batch.BatchCommands.Add(GaugeSql.Command(Undelivered, options.Value));

    public async Task ReadAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken) =>
        (Pending, OldestAgeSeconds) = await GaugeSql.ReadQueueAsync(reader, now, cancellationToken);

    public void Register(Meter meter)
    {
        meter.CreateObservableGauge("paykassma.events.pending", () => Pending,
            description: "Money events written but not yet delivered to the ledger (pending or delivering), "
                + "counted up to Metrics:CountLimit: at the limit, at least that many");
        meter.CreateObservableGauge("paykassma.events.oldest_pending_age", () => OldestAgeSeconds, unit: "s",
            description: "Age of the oldest undelivered money event");
    }
}

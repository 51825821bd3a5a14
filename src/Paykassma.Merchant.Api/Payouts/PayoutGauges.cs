using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>The payouts' gauges: the send queue, those waiting for a second person, those sent and never settled.</summary>
public sealed class PayoutGauges(IOptions<PayoutOptions> options, IOptions<MetricsOptions> metrics) : IGaugeSource
{
    private static readonly string Queued = GaugeSql.Queue("payouts", PayoutTransitions.Moves.From(PayoutMove.Claim));

    private static readonly string AwaitingApprovalCount =
        $"SELECT count(*) FROM payouts WHERE status = {PayoutTransitions.Moves.SqlFrom(PayoutMove.Approve)}";

    private static readonly string SentBefore =
        $"SELECT count(*) FROM payouts WHERE status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Send)} AND sent_at < $1";

    public long QueueDepth { get; private set; }

    public double OldestAgeSeconds { get; private set; }

    public long AwaitingApproval { get; private set; }

    /// <summary>Payouts sent longer ago than Payouts:SettlementDeadline without a final status.</summary>
    public long Stale { get; private set; }

    public void AddTo(NpgsqlBatch batch, DateTimeOffset now)
    {
        // Both served by the (status, created_at) index: open payouts only, never the settled ones.
        batch.BatchCommands.Add(GaugeSql.Command(Queued, metrics.Value));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AwaitingApprovalCount));
        // Served by ix_payouts_sent: only the payouts still waiting for their postback are read.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(SentBefore)
        {
            Parameters = { new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.Value.SettlementDeadline } },
        });
    }

    public async Task ReadAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (depth, oldest) = await GaugeSql.ReadQueueAsync(reader, now, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        AwaitingApproval = await GaugeSql.ReadCountAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        Stale = await GaugeSql.ReadCountAsync(reader, cancellationToken);
        QueueDepth = depth;
        OldestAgeSeconds = oldest;
    }

    public void Register(Meter meter)
    {
        meter.CreateObservableGauge("paykassma.payouts.queue.depth", () => QueueDepth,
            description: "Payouts approved but not yet accepted or refused by the gateway (approved, sending, queued), "
                + "counted up to Metrics:CountLimit: at the limit, at least that many");
        meter.CreateObservableGauge("paykassma.payouts.queue.oldest_age", () => OldestAgeSeconds, unit: "s",
            description: "Age of the oldest payout in that queue");
        meter.CreateObservableGauge("paykassma.payouts.awaiting_approval", () => AwaitingApproval,
            description: "Payouts waiting for an ops user other than their creator");
        meter.CreateObservableGauge("paykassma.payouts.stale", () => Stale,
            description: "Payouts sent longer ago than Payouts:SettlementDeadline without a final status (GET /api/ops/payouts?stale=true)");
    }
}

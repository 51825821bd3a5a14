using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Observability;

public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>How often the gauges that need a query (queue depth, open deposits by status) are refreshed.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Database-wide numbers for gauges, sampled in the background: a scrape must never wait on (or be
/// able to overload) the database. Every instance reports the same values.
/// </summary>
public sealed partial class QueueSnapshot(
    NpgsqlDataSource dataSource, IOptions<MetricsOptions> options, IOptions<PayoutOptions> payouts, IOptions<AttentionOptions> attention,
    TimeProvider time, ILogger<QueueSnapshot> logger) : PeriodicJob(time)
{
    // Each queue is what its dispatcher's claim may take (the claim's index serves the count); the open
    // deposits are those the expiry may still move.
    private static readonly string ProofsQueued = Queue("proofs", ProofTransitions.Moves.SqlFrom(ProofMove.Claim));

    private static readonly string PayoutsQueued = Queue("payouts", PayoutTransitions.Moves.SqlFrom(PayoutMove.Claim));

    private static readonly string EventsUndelivered = Queue("outbox_events", EventTransitions.Moves.SqlFrom(EventMove.Claim));

    private static readonly string DepositsOpen =
        $"SELECT status, count(*) FROM deposits WHERE status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.Expire)}) GROUP BY status";

    private static readonly string PayoutsAwaitingApprovalCount =
        $"SELECT count(*) FROM payouts WHERE status = {PayoutTransitions.Moves.SqlFrom(PayoutMove.Approve)}";

    private static readonly string PayoutsSentBefore =
        $"SELECT count(*) FROM payouts WHERE status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Send)} AND sent_at < $1";

    private volatile IReadOnlyDictionary<string, long> _depositsByStatus = new Dictionary<string, long>();
    private volatile IReadOnlyDictionary<string, long> _attentionByKind = new Dictionary<string, long>();

    public long QueueDepth { get; private set; }

    public double OldestQueuedAgeSeconds { get; private set; }

    public IReadOnlyDictionary<string, long> DepositsByStatus => _depositsByStatus;

    public long PayoutQueueDepth { get; private set; }

    public double OldestPayoutAgeSeconds { get; private set; }

    public long PayoutsAwaitingApproval { get; private set; }

    /// <summary>Payouts sent longer ago than Payouts:SettlementDeadline without a final status.</summary>
    public long PayoutsStale { get; private set; }

    public long EventsPending { get; private set; }

    public double OldestEventAgeSeconds { get; private set; }

    /// <summary>Unseen entries of the attention list by kind, every kind (0 when none) once sampled.</summary>
    public IReadOnlyDictionary<string, long> AttentionByKind => _attentionByKind;

    protected override TimeSpan Interval => options.Value.SampleInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken)
        => RefreshAsync(cancellationToken);

    protected override void OnRoundFailed(Exception exception) => LogFailed(logger, exception);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ProofsQueued));
        // Open deposits only: their number is bounded by the expiry (Deposits:ExpireAfter), while the
        // confirmed and expired ones pile up forever; counting those read the whole table every
        // refresh (its cost at scale: bench/README.md). The (status, created_at) index serves this.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(DepositsOpen));
        // Both served by the (status, created_at) index: open payouts only, never the settled ones.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PayoutsQueued));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PayoutsAwaitingApprovalCount));
        // Served by ix_payouts_sent: only the payouts still waiting for their postback are read.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PayoutsSentBefore)
        {
            Parameters = { new NpgsqlParameter<DateTimeOffset> { TypedValue = Time.GetUtcNow() - payouts.Value.SettlementDeadline } },
        });
        // Served by ix_outbox_events_due: undelivered events only.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(EventsUndelivered));
        // One count per kind, each from the kind's own index: its unseen entries only (ADR 0016, bench/README.md).
        var attentionCounts = new NpgsqlBatchCommand(AttentionStore.UnseenCounts);
        AttentionStore.Bind(attentionCounts.Parameters, AttentionStore.UnseenCounts, attention.Value, Time.GetUtcNow());
        batch.BatchCommands.Add(attentionCounts);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        await reader.ReadAsync(cancellationToken);
        var depth = reader.GetInt64(0);
        var oldest = await reader.IsDBNullAsync(1, cancellationToken) ? (DateTimeOffset?)null
            : await reader.GetFieldValueAsync<DateTimeOffset>(1, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var byStatus = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            byStatus[reader.GetString(0)] = reader.GetInt64(1);
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var payoutDepth = reader.GetInt64(0);
        var oldestPayout = await reader.IsDBNullAsync(1, cancellationToken) ? (DateTimeOffset?)null
            : await reader.GetFieldValueAsync<DateTimeOffset>(1, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        PayoutsAwaitingApproval = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        PayoutsStale = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        EventsPending = reader.GetInt64(0);
        OldestEventAgeSeconds = await reader.IsDBNullAsync(1, cancellationToken) ? 0
            : Math.Max(0, (Time.GetUtcNow() - await reader.GetFieldValueAsync<DateTimeOffset>(1, cancellationToken)).TotalSeconds);
        await reader.NextResultAsync(cancellationToken);
        var attentionByKind = await AttentionStore.ReadCountsAsync(reader, cancellationToken);
        PayoutQueueDepth = payoutDepth;
        OldestPayoutAgeSeconds = oldestPayout is { } op ? Math.Max(0, (Time.GetUtcNow() - op).TotalSeconds) : 0;

        QueueDepth = depth;
        OldestQueuedAgeSeconds = oldest is { } o ? Math.Max(0, (Time.GetUtcNow() - o).TotalSeconds) : 0;
        _depositsByStatus = byStatus;
        _attentionByKind = attentionByKind;
    }

    /// <summary>A queue's depth and its oldest row's creation, for the rows in <paramref name="statuses"/> (an SQL list).</summary>
    private static string Queue(string table, string statuses) => $"SELECT count(*), min(created_at) FROM {table} WHERE status IN ({statuses})";

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Could not refresh the queue and deposit gauges")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

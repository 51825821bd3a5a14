using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>A payout the stale watch marked: what its log line names.</summary>
public sealed record StalePayout(Guid Id, string WithdrawalId, DateTimeOffset SentAt);

/// <summary>
/// Finds payouts the gateway took (<c>sent</c>) but never settled within <c>Payouts:SettlementDeadline</c>,
/// marks each <c>stale_since</c> and logs it once at Warning: the guarded update hands each payout to
/// exactly one round on one instance, however many run. The list (<c>?stale=true</c>) and the gauge
/// read the same condition; what to do is in docs/operations.md.
/// </summary>
public sealed partial class StalePayoutWatch(
    NpgsqlDataSource dataSource, IOptions<PayoutOptions> options, TimeProvider time, ILogger<StalePayoutWatch> logger) : PeriodicJob(time)
{
    private const int BatchSize = 500;

    protected override TimeSpan Interval => options.Value.StaleCheckInterval;

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        while ((await MarkStaleAsync(cancellationToken)).Count == BatchSize)
        {
        }
    }

    protected override void OnRoundFailed(Exception exception) => LogFailed(logger, exception);

    /// <summary>Marks (and logs) up to one batch of payouts that just became stale; returns them.</summary>
    public async Task<IReadOnlyList<StalePayout>> MarkStaleAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var deadline = options.Value.SettlementDeadline;
        await using var command = dataSource.CreateCommand(PayoutStatements.MarkStale);
        command.Parameters.With(now).With(now - deadline).With(BatchSize);
        var marked = new List<StalePayout>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                marked.Add(new StalePayout(reader.GetGuid(0), reader.GetString(1), await reader.GetFieldValueAsync<DateTimeOffset>(2, cancellationToken)));
            }
        }
        // Logged after the commit: a line always names a payout that is marked.
        foreach (var payout in marked)
        {
            LogStale(logger, payout.Id, payout.WithdrawalId, payout.SentAt, deadline);
        }
        return marked;
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning,
        Message = "Payout {PayoutId} ({WithdrawalId}) was sent at {SentAt:o} and has no final status after {Deadline}: ask the gateway about it (docs/operations.md, stale payouts)")]
    private static partial void LogStale(ILogger logger, Guid payoutId, string withdrawalId, DateTimeOffset sentAt, TimeSpan deadline);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Stale payout watch round failed; retrying later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

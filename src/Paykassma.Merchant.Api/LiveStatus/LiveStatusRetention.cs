using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// Deletes recorded deposit changes older than Deposits:LiveStatus:Retention, a batch at a time (ADR
/// 0013): they serve only streams that reconnect. A batch is claimed with SKIP LOCKED, so instances
/// running this together do not wait on each other.
/// </summary>
public sealed partial class LiveStatusRetention(
    NpgsqlDataSource dataSource,
    IOptions<LiveStatusOptions> options,
    TimeProvider time,
    ILogger<LiveStatusRetention> logger) : PeriodicJob(time)
{
    public const int BatchSize = 5000;

    // $1 older than, $2 batch size. The index on "at" finds the oldest rows.
    private const string DeleteBatch = """
        DELETE FROM deposit_changes
        WHERE id IN (SELECT id FROM deposit_changes WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """;

    protected override TimeSpan Interval => options.Value.RetentionCheckInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => DeleteExpiredAsync(cancellationToken);

    protected override void OnRoundFailed(Exception exception) => LogFailed(logger, exception);

    /// <summary>Deletes every expired change, batch by batch; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var olderThan = Time.GetUtcNow() - options.Value.Retention;
        var total = 0;
        int deleted;
        do
        {
            await using var command = dataSource.CreateCommand(DeleteBatch);
            command.Parameters.With(olderThan).With(BatchSize);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize);
        // Watches of streams that ended without saying so (their instance died).
        await using (var lapsed = dataSource.CreateCommand("DELETE FROM deposit_watches WHERE expires_at < now()"))
        {
            await lapsed.ExecuteNonQueryAsync(cancellationToken);
        }
        if (total > 0)
        {
            LogDeleted(logger, total, options.Value.Retention);
        }
        return total;
    }

    [LoggerMessage(EventId = 3221, Level = LogLevel.Information, Message = "Deleted {Count} recorded deposit change(s) older than {Retention}")]
    private static partial void LogDeleted(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(EventId = 3222, Level = LogLevel.Warning, Message = "Deposit change retention round failed; retrying later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

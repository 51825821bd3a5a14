using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// Deletes rejected and duplicate postbacks older than Postbacks:RejectedRetention, a batch at a time.
/// Accepted and held ones are never deleted: they are the evidence of money. Each batch is claimed
/// with SKIP LOCKED, so any number of instances can run this at once without waiting on each other.
/// </summary>
public sealed partial class PostbackRetention(
    NpgsqlDataSource dataSource,
    IOptions<PostbackOptions> options,
    TimeProvider time,
    ILogger<PostbackRetention> logger) : PeriodicJob(time)
{
    public const int BatchSize = 1000;

    protected override TimeSpan Interval => options.Value.RetentionCheckInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken)
        => DeleteExpiredAsync(cancellationToken);

    protected override void OnRoundFailed(Exception exception) => LogFailed(logger, exception);

    /// <summary>Deletes every expired rejected or duplicate row, batch by batch; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await DeleteBatchAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize);
        if (total > 0)
        {
            LogDeleted(logger, total, options.Value.RejectedRetention);
        }
        return total;
    }

    private async Task<int> DeleteBatchAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PostbackStatements.DeleteExpired);
        command.Parameters.With(Time.GetUtcNow() - options.Value.RejectedRetention).With(BatchSize);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information,
        Message = "Deleted {Count} rejected or duplicate postback(s) older than {Retention}")]
    private static partial void LogDeleted(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Postback retention round failed; retrying later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

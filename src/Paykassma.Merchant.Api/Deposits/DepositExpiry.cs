using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>
/// Expires deposits that saw no confirmation in time. One guarded UPDATE per round (status must
/// still be an unconfirmed one), so any number of instances may run it at once: a deposit expires
/// once, and a confirmation that lands first wins. A postback for an expired deposit still
/// confirms it (see PostbackStore), flagged as confirmed after expiry.
/// </summary>
public sealed partial class DepositExpiry(
    NpgsqlDataSource dataSource,
    IOptions<DepositOptions> options,
    TimeProvider time,
    ILogger<DepositExpiry> logger) : PeriodicJob(time)
{
    private const int BatchSize = 1000;

    protected override TimeSpan Interval => options.Value.ExpiryCheckInterval;

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        int expired;
        do
        {
            expired = await ExpireDueAsync(cancellationToken);
        }
        while (expired == BatchSize);
    }

    protected override void OnRoundFailed(Exception exception) => LogFailed(logger, exception);

    /// <summary>Expires up to one batch of due deposits; returns how many.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var command = dataSource.CreateCommand(DepositStatements.Expire);
        command.Parameters.With(now).With(now - options.Value.ExpireAfter).With(BatchSize);
        var expired = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (expired > 0)
        {
            LogExpired(logger, expired);
        }
        return expired;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Expired {Count} deposit(s) with no confirmation")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Deposit expiry round failed; retrying later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

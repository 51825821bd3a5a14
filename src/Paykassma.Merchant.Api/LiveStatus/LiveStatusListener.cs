using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// The instance's one <c>LISTEN deposit_changes</c> connection (ADR 0018): a dedicated, unpooled
/// connection (a pooled one would carry the LISTEN to whoever took it next, since the pool does not
/// reset sessions) that waits for notifications and hands them to <see cref="LiveStatusFeed"/>.
/// When PostgreSQL goes away it connects again with back-off; once listening again, every open stream
/// re-reads its deposit's changes, since a notification sent while no one listened is gone.
/// </summary>
public sealed partial class LiveStatusListener(
    LiveStatusFeed feed,
    IOptions<DatabaseOptions> database,
    IOptions<LiveStatusOptions> options,
    TimeProvider time,
    ILogger<LiveStatusListener> logger) : BackgroundService
{
    /// <summary>The NOTIFY channel the trigger on <c>deposits</c> uses.</summary>
    public const string Channel = "deposit_changes";

    /// <summary>How the connection shows in <c>pg_stat_activity.application_name</c>.</summary>
    public const string ApplicationName = "paykassma-merchant deposit-changes";

    /// <summary>A silent connection is tested this often, so a dead one is found without waiting for TCP.</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(database.Value.ConnectionString)
        {
            Pooling = false,
            // LISTEN needs a connection of its own; a multiplexed one is shared between commands.
            Multiplexing = false,
            ApplicationName = ApplicationName,
        };
        await using var dataSource = PersistenceExtensions.CreateDataSource(settings.ConnectionString);
        var delay = options.Value.ReconnectDelay;
        DateTimeOffset? lostAt = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                if (lostAt is { } since)
                {
                    LogListeningAgain(logger, time.GetUtcNow() - since);
                }
                else
                {
                    LogListening(logger);
                }
                lostAt = null;
                delay = options.Value.ReconnectDelay;
                feed.ResyncAll();
                while (true)
                {
                    if (!await connection.WaitAsync(PingInterval, stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever broke the connection, the answer is to connect again; a throw would stop the host.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                lostAt ??= time.GetUtcNow();
                LogLost(logger, ex, delay);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxReconnectDelay.Ticks));
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        // "<deposit id>:<change id>", as the trigger writes it.
        var payload = notification.Payload.AsSpan();
        var colon = payload.IndexOf(':');
        if (colon > 0 && Guid.TryParse(payload[..colon], out var depositId)
            && long.TryParse(payload[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var changeId))
        {
            feed.Publish(depositId, changeId);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Listening for deposit changes")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information,
        Message = "Listening for deposit changes again after {Gap}; open streams re-read what they missed")]
    private static partial void LogListeningAgain(ILogger logger, TimeSpan gap);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning,
        Message = "Lost the deposit change listener's connection; connecting again in {Delay}")]
    private static partial void LogLost(ILogger logger, Exception exception, TimeSpan delay);
}

using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// The state a deposit page shows, as one Server-Sent Event (<c>event: status</c>). Its SSE id is the
/// <c>deposit_changes</c> id it reflects (0 for a deposit with no recorded change).
/// </summary>
public sealed record DepositStatusEvent(
    Guid Id,
    DepositStatus Status,
    int? Amount,
    string Currency,
    decimal? ConfirmedAmount,
    bool AmountMismatch,
    DateTimeOffset UpdatedAt);

/// <summary>
/// One <c>GET /api/deposits/{id}/events</c> stream (ADR 0018): the current state (or, with
/// Last-Event-ID, every change after it, from the table), then each change as it is committed on any
/// instance, with heartbeats, until the deposit is final, the user's token expires, the client leaves
/// or the service stops.
/// </summary>
public sealed partial class LiveStatusStream(
    MerchantDbContext db,
    NpgsqlDataSource dataSource,
    LiveStatusFeed feed,
    IOptions<LiveStatusOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<LiveStatusStream> logger) : IDisposable
{
    public const string StatusEvent = "status";
    public const string HeartbeatEvent = "heartbeat";

    private LiveStatusSubscription? _subscription;
    private DepositStatusEvent? _current;
    private long _latestChangeId;
    private long? _resumeAfter;
    private DateTimeOffset _endsAt;
    private readonly Guid _streamId = Guid.NewGuid();

    // A stream's watch makes the trigger announce its deposit's changes (ADR 0018): upserted before the
    // first read, refreshed with each heartbeat, deleted when the stream ends; a crashed instance's
    // watches lapse by themselves. $1 deposit, $2 stream, $3 lifetime.
    private const string Watch = """
        INSERT INTO deposit_watches (deposit_id, stream_id, expires_at) VALUES ($1, $2, now() + $3)
        ON CONFLICT (deposit_id, stream_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
        """;

    private const string Unwatch = "DELETE FROM deposit_watches WHERE deposit_id = $1 AND stream_id = $2";

    /// <summary>
    /// Checks the deposit and takes a stream slot. Subscribes before it reads, so a change committed
    /// in between is both in what it read and announced, never in neither (the ids tell them apart).
    /// The stream ends at <paramref name="tokenExpires"/> (the user's token's exp, which the bearer
    /// handler requires): the page reconnects with a fresh token and Last-Event-ID.
    /// </summary>
    public async Task<LiveStatusStart> OpenAsync(
        Guid depositId, string label, DateTimeOffset? tokenExpires, string? lastEventId, CancellationToken cancellationToken)
    {
        if (tokenExpires is not { } endsAt || endsAt <= time.GetUtcNow())
        {
            return LiveStatusStart.TokenExpired;
        }
        _endsAt = endsAt;
        // Held until the stream ends or, whatever happens, the request's scope disposes this object.
        _subscription = feed.TrySubscribe(label, depositId, out var refusal);
        if (_subscription is null)
        {
            return refusal;
        }
        // Committed before the deposit is read: a change whose trigger runs after this announces itself;
        // one whose trigger ran just before, but commits after the read, is caught by the re-read at
        // the next wake (the first comes after SettleAfter).
        await WatchAsync(depositId, cancellationToken);
        var lastSeen = ParseEventId(lastEventId);
        var changes = db.Set<DepositChange>();
        var found = await db.Deposits.AsNoTracking()
            .Where(d => d.Id == depositId && d.Label == label)
            .Select(d => new
            {
                State = new DepositStatusEvent(d.Id, d.Status, d.Amount, d.Currency, d.ConfirmedAmount, d.AmountMismatch, d.UpdatedAt),
                LatestChangeId = changes.Where(c => c.DepositId == d.Id).Max(c => (long?)c.Id) ?? 0,
                // The client's id is one of this deposit's kept changes: a replay from it is complete.
                // Otherwise (purged by retention, or not this deposit's) it gets the current state.
                KnowsLastSeen = lastSeen == 0 || changes.Any(c => c.Id == lastSeen && c.DepositId == d.Id),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            await UnwatchAsync(depositId);
            return LiveStatusStart.NotFound;
        }
        _current = found.State;
        _latestChangeId = found.LatestChangeId;
        _resumeAfter = lastSeen is { } seen && found.KnowsLastSeen ? seen : null;
        if (_resumeAfter is { } after && IsFinal(found.State.Status) && found.LatestChangeId <= after)
        {
            await UnwatchAsync(depositId);
            return LiveStatusStart.Finished;
        }
        return LiveStatusStart.Open;
    }

    public void Dispose() => _subscription?.Dispose();

    /// <summary>The events of a stream <see cref="OpenAsync"/> opened.</summary>
    public async IAsyncEnumerable<SseItem<DepositStatusEvent?>> EventsAsync([EnumeratorCancellation] CancellationToken requestAborted)
    {
        var subscription = _subscription ?? throw new InvalidOperationException("The stream is not open.");
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        try
        {
            await foreach (var item in StreamAsync(subscription, stopping.Token))
            {
                yield return item;
            }
        }
        finally
        {
            await UnwatchAsync(_current!.Id);
        }
    }

    private async IAsyncEnumerable<SseItem<DepositStatusEvent?>> StreamAsync(LiveStatusSubscription subscription, [EnumeratorCancellation] CancellationToken stoppingToken)
    {
        var deposit = _current!;
        long lastSent;
        if (_resumeAfter is { } after)
        {
            lastSent = after;
        }
        else
        {
            yield return Status(deposit, _latestChangeId);
            if (IsFinal(deposit.Status))
            {
                yield break;
            }
            lastSent = _latestChangeId;
        }

        // Resuming: what was missed comes from the table first. Fresh: the state above is as new as
        // anything announced before the subscription (see OpenAsync), so only announcements count.
        var read = _resumeAfter is not null;
        var settled = false;
        while (true)
        {
            if (read)
            {
                var missed = await ReadAfterAsync(deposit.Id, lastSent, stoppingToken);
                if (missed is null)
                {
                    yield break;
                }
                foreach (var change in missed)
                {
                    yield return Status(deposit with
                    {
                        Status = change.Status,
                        ConfirmedAmount = change.ConfirmedAmount,
                        AmountMismatch = change.AmountMismatch,
                        UpdatedAt = change.At,
                    }, change.Id);
                    lastSent = change.Id;
                    if (IsFinal(change.Status))
                    {
                        yield break;
                    }
                }
            }

            // Not a moment past the token's exp; what changes meanwhile the reconnect replays.
            var left = _endsAt - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                yield break;
            }
            var wait = settled ? options.Value.HeartbeatInterval : SettleAfter;
            switch (await subscription.WaitAsync(lastSent, wait < left ? wait : left, time, stoppingToken))
            {
                case LiveStatusWake.Quiet when time.GetUtcNow() >= _endsAt:
                    yield break;
                case LiveStatusWake.Changed:
                    read = true;
                    break;
                case LiveStatusWake.Quiet when !settled:
                    // The first quiet moment: read once more for a change that committed around the watch.
                    settled = true;
                    read = true;
                    break;
                case LiveStatusWake.Quiet:
                    // Also re-read: a missed announcement costs at most one heartbeat.
                    read = true;
                    yield return new SseItem<DepositStatusEvent?>(null, HeartbeatEvent);
                    await WatchAsync(deposit.Id, stoppingToken);
                    break;
                case LiveStatusWake.Dropped:
                    LogDropped(logger, deposit.Id);
                    yield break;
                default:
                    yield break;
            }
        }
    }

    /// <summary>How soon after opening a stream re-reads its deposit once, for a change that committed around its watch.</summary>
    private static readonly TimeSpan SettleAfter = TimeSpan.FromSeconds(1);

    private async Task WatchAsync(Guid depositId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Watch);
        command.Parameters.With(depositId).With(_streamId).With(options.Value.HeartbeatInterval * 3);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task UnwatchAsync(Guid depositId)
    {
        try
        {
            await using var command = dataSource.CreateCommand(Unwatch);
            command.Parameters.With(depositId).With(_streamId);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or ObjectDisposedException)
        {
            // It lapses by itself (three heartbeats). ObjectDisposedException: the host stopped and disposed
            // its data source before this last cleanup; thrown, it aborted the stream instead of ending it.
        }
    }

    /// <summary>This deposit's changes after an id, oldest first; null when the stream must end (stopping, or no database).</summary>
    private async Task<List<DepositChange>?> ReadAfterAsync(Guid depositId, long after, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Set<DepositChange>().AsNoTracking()
                .Where(c => c.DepositId == depositId && c.Id > after)
                .OrderBy(c => c.Id)
                .ToListAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The client reconnects with Last-Event-ID (to this or another instance) and misses nothing.
            LogReadFailed(logger, ex, depositId);
            return null;
        }
    }

    private static SseItem<DepositStatusEvent?> Status(DepositStatusEvent state, long changeId) =>
        new(state, StatusEvent) { EventId = changeId.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Nothing more will be sent after these (a later credit or a late confirmation is for GET /api/deposits/{id}).</summary>
    public static bool IsFinal(DepositStatus status) => status is DepositStatus.Confirmed or DepositStatus.Expired;

    /// <summary>A Last-Event-ID this service could have sent (a change id); anything else counts as absent.</summary>
    private static long? ParseEventId(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning,
        Message = "Dropped the live status stream of deposit {DepositId}: its client is not reading; it reconnects and resumes")]
    private static partial void LogDropped(ILogger logger, Guid depositId);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning,
        Message = "Ended the live status stream of deposit {DepositId}: its changes could not be read; the client reconnects and resumes")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, Guid depositId);
}

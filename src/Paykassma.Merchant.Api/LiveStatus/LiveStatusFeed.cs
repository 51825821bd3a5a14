using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// This instance's open deposit streams and the changes it hears for them (ADR 0018). The one
/// listener (<see cref="LiveStatusListener"/>) publishes each notification here; each stream has a
/// small bounded queue of change ids, and reads the changes themselves from <c>deposit_changes</c>,
/// so a notification only says "look". A stream whose queue is full (its client stopped reading and
/// the socket no longer drains) is dropped rather than queued without end: its client reconnects
/// with Last-Event-ID and misses nothing. Also holds the counts of open streams, per user and in all.
/// </summary>
public sealed class LiveStatusFeed(IOptions<LiveStatusOptions> options)
{
    /// <summary>Signals queued per stream. A deposit changes a handful of times in its life: only a stuck stream fills this.</summary>
    public const int SignalCapacity = 16;

    /// <summary>A signal that says "re-read everything after what you sent": the listener has just (re)connected.</summary>
    public const long Resync = long.MaxValue;

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, List<LiveStatusSubscription>> _byDeposit = [];
    private readonly Dictionary<string, int> _openByLabel = new(StringComparer.Ordinal);
    private int _open;

    /// <summary>
    /// A stream for this deposit, or null when the user already holds the most this instance allows
    /// (<see cref="LiveStatusStart.TooManyStreams"/>: the user's to fix, so it is said first) or the
    /// instance does (<see cref="LiveStatusStart.AtCapacity"/>).
    /// </summary>
    public LiveStatusSubscription? TrySubscribe(string label, Guid depositId, out LiveStatusStart refusal)
    {
        lock (_gate)
        {
            var open = _openByLabel.GetValueOrDefault(label);
            refusal = open >= options.Value.MaxStreamsPerUser ? LiveStatusStart.TooManyStreams
                : _open >= options.Value.MaxStreams ? LiveStatusStart.AtCapacity
                : LiveStatusStart.Open;
            if (refusal != LiveStatusStart.Open)
            {
                return null;
            }
            _openByLabel[label] = open + 1;
            _open++;
            var subscription = new LiveStatusSubscription(this, label, depositId);
            if (!_byDeposit.TryGetValue(depositId, out var streams))
            {
                _byDeposit[depositId] = streams = [];
            }
            streams.Add(subscription);
            return subscription;
        }
    }

    /// <summary>A committed change of this deposit (from the listener).</summary>
    public void Publish(Guid depositId, long changeId)
    {
        LiveStatusSubscription[] streams;
        lock (_gate)
        {
            if (!_byDeposit.TryGetValue(depositId, out var open))
            {
                return;
            }
            streams = [.. open];
        }
        foreach (var stream in streams)
        {
            stream.Signal(changeId);
        }
    }

    /// <summary>Every open stream re-reads its deposit's changes: notifications may have been missed while no one listened.</summary>
    public void ResyncAll()
    {
        LiveStatusSubscription[] streams;
        lock (_gate)
        {
            streams = [.. _byDeposit.Values.SelectMany(open => open)];
        }
        foreach (var stream in streams)
        {
            stream.Signal(Resync);
        }
    }

    /// <summary>Open streams on this instance (the paykassma.deposits.streams.open gauge).</summary>
    public int OpenStreams
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    internal void Remove(LiveStatusSubscription subscription)
    {
        lock (_gate)
        {
            if (_byDeposit.TryGetValue(subscription.DepositId, out var streams) && streams.Remove(subscription))
            {
                if (streams.Count == 0)
                {
                    _byDeposit.Remove(subscription.DepositId);
                }
                if (--_openByLabel[subscription.Label] == 0)
                {
                    _openByLabel.Remove(subscription.Label);
                }
                _open--;
            }
        }
    }
}

/// <summary>Why a stream woke up.</summary>
public enum LiveStatusWake
{
    /// <summary>A change newer than the last one sent was announced (or the listener reconnected).</summary>
    Changed,

    /// <summary>Nothing happened for a heartbeat interval.</summary>
    Quiet,

    /// <summary>The stream fell too far behind and was dropped.</summary>
    Dropped,

    /// <summary>The client left or the service is stopping.</summary>
    Stopped,
}

/// <summary>One open stream's place in the feed; disposing it frees the user's slot.</summary>
public sealed class LiveStatusSubscription : IDisposable
{
    private readonly LiveStatusFeed _feed;
    private readonly Channel<long> _signals = Channel.CreateBounded<long>(new BoundedChannelOptions(LiveStatusFeed.SignalCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    internal LiveStatusSubscription(LiveStatusFeed feed, string label, Guid depositId)
    {
        _feed = feed;
        Label = label;
        DepositId = depositId;
    }

    public string Label { get; }

    public Guid DepositId { get; }

    internal void Signal(long changeId)
    {
        if (!_signals.Writer.TryWrite(changeId))
        {
            // Full: the stream is not keeping up. Completing the queue ends it (Dropped).
            _signals.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Waits for a change with an id above <paramref name="lastSent"/> (older ids are ones the stream
    /// already read from the table: the replay/live seam), for at most <paramref name="quietAfter"/>.
    /// </summary>
    public async Task<LiveStatusWake> WaitAsync(long lastSent, TimeSpan quietAfter, TimeProvider time, CancellationToken cancellationToken)
    {
        var reader = _signals.Reader;
        while (true)
        {
            var newest = 0L;
            while (reader.TryRead(out var changeId))
            {
                newest = Math.Max(newest, changeId);
            }
            if (newest > lastSent)
            {
                return LiveStatusWake.Changed;
            }
            if (reader.Completion.IsCompleted)
            {
                return LiveStatusWake.Dropped;
            }

            using var quiet = new CancellationTokenSource(quietAfter, time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, quiet.Token);
            try
            {
                await reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return LiveStatusWake.Stopped;
            }
            catch (OperationCanceledException)
            {
                return LiveStatusWake.Quiet;
            }
        }
    }

    public void Dispose() => _feed.Remove(this);
}

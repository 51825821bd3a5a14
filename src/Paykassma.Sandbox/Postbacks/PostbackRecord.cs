namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// A postback built by the sandbox: its bytes never change after it is built, so every resend is
/// byte-identical, as the gateway's are. Delivery state is changed by the sender and the control
/// endpoints at once, hence the lock.
/// </summary>
public sealed class PostbackRecord
{
    /// <summary>Resends go on for as long as the process runs; only the latest attempts are kept.</summary>
    public const int MaxKeptAttempts = 100;

    private readonly Lock _lock = new();
    private readonly Queue<PostbackAttempt> _attempts = new();
    private int _attemptCount;
    private PostbackState _state = PostbackState.Pending;
    private DateTimeOffset? _nextAttemptAt;

    // Completed when the record leaves Pending, so that whoever orders postbacks can wait for this one.
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public required PostbackFacts Facts { get; init; }
    public required string Signature { get; init; }

    /// <summary>The exact wire bytes; never modified once built.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Kinds that are resent until ok; the others are sent once whatever the answer.</summary>
    public bool ResendsUntilOk => Facts.Kind is PostbackKind.Transaction or PostbackKind.Withdrawal;

    /// <summary>Completes when the delivery is over: delivered, given up, sent once or not sent. Never fails.</summary>
    internal Task Finished => _finished.Task;

    public PostbackState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public int AttemptCount
    {
        get
        {
            lock (_lock)
            {
                return _attemptCount;
            }
        }
    }

    internal int NextAttemptNumber()
    {
        lock (_lock)
        {
            return ++_attemptCount;
        }
    }

    /// <summary>Records an attempt; an ok delivers a postback that is resent until ok (also after giving up).</summary>
    internal void Record(PostbackAttempt attempt)
    {
        lock (_lock)
        {
            _attempts.Enqueue(attempt);
            while (_attempts.Count > MaxKeptAttempts)
            {
                _attempts.Dequeue();
            }

            // A kind sent once stays sent once: "delivered" would read as "the merchant accepted it", which
            // for a forgery is the finding itself, shown by the attempt's answer.
            if (attempt.Ok && ResendsUntilOk && _state is PostbackState.Pending or PostbackState.GaveUp)
            {
                _state = PostbackState.Delivered;
                _nextAttemptAt = null;
                _finished.TrySetResult();
            }
        }
    }

    /// <summary>Moves out of <see cref="PostbackState.Pending"/> only; a delivery is never undone.</summary>
    internal void Settle(PostbackState state)
    {
        lock (_lock)
        {
            if (_state == PostbackState.Pending && state != PostbackState.Pending)
            {
                _state = state;
                _nextAttemptAt = null;
                _finished.TrySetResult();
            }
        }
    }

    internal void ScheduleAttempt(DateTimeOffset at)
    {
        lock (_lock)
        {
            _nextAttemptAt = _state == PostbackState.Pending ? at : null;
        }
    }

    public PostbackSummary ToSummary()
    {
        lock (_lock)
        {
            return Summarize();
        }
    }

    public PostbackDetail ToDetail()
    {
        lock (_lock)
        {
            return new PostbackDetail(Summarize(), System.Text.Encoding.UTF8.GetString(Body.Span), Signature, _attempts.ToArray());
        }
    }

    // Called under the lock, so the state, the attempts and the next resend are shown as of one moment.
    private PostbackSummary Summarize() => new(Facts)
    {
        State = _state,
        AttemptCount = _attemptCount,
        LastAttempt = _attempts.Count == 0 ? null : _attempts.Last(),
        NextAttemptAt = _nextAttemptAt,
    };
}

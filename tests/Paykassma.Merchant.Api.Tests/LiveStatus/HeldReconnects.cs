namespace Paykassma.Merchant.Api.Tests.LiveStatus;

/// <summary>
/// The deposit change listener's clock, with a hand on its reconnect: while held, a delay it starts
/// (the back-off before connecting again) does not begin counting until <see cref="Release"/>. A test
/// can then make a change "while nobody listens" however slow the machine is, instead of racing the
/// reconnect delay. Everything else is the system clock.
/// </summary>
internal sealed class HeldReconnects : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<HeldTimer> _waiting = [];
    private bool _held;

    public void Hold()
    {
        lock (_lock)
        {
            _held = true;
        }
    }

    public void Release()
    {
        HeldTimer[] waiting;
        lock (_lock)
        {
            _held = false;
            waiting = [.. _waiting];
            _waiting.Clear();
        }
        foreach (var timer in waiting)
        {
            timer.Start();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            if (!_held)
            {
                return System.CreateTimer(callback, state, dueTime, period);
            }
            var timer = new HeldTimer(callback, state, dueTime, period);
            _waiting.Add(timer);
            return timer;
        }
    }

    /// <summary>A timer that starts (with the due time last given) only when released.</summary>
    private sealed class HeldTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) : ITimer
    {
        private readonly Lock _lock = new();
        private ITimer? _timer;
        private bool _disposed;

        public void Start()
        {
            lock (_lock)
            {
                if (!_disposed && _timer is null)
                {
                    _timer = System.CreateTimer(callback, state, dueTime, period);
                }
            }
        }

        public bool Change(TimeSpan due, TimeSpan every)
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return false;
                }
                if (_timer is not null)
                {
                    return _timer.Change(due, every);
                }
                dueTime = due;
                period = every;
                return true;
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                _timer?.Dispose();
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

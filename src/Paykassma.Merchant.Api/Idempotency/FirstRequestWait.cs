using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Idempotency;

/// <summary>How long a repeat waits for the first request with its key, and how often it looks when it cannot be told (ADR 0021).</summary>
public sealed class IdempotencyOptions
{
    /// <summary>Configured as <c>Deposits:IdempotencyWait</c> (its documented key; see <see cref="Deposits.DepositExtensions"/>).</summary>
    public TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The first look after this, when the first request runs on another instance; each later one waits twice as long.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a repeat goes without looking, when it cannot be told.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// A repeat that arrives while the first request with its key is still running waits for that
/// request's outcome (bounded), so both answer the same. The first request, on this instance, says
/// when it is done (<see cref="Run"/>) and its repeats here wake at once; a repeat whose first request
/// runs on another instance (or ended before it looked) looks again after a back-off (ADR 0021). The
/// stored state stays the only truth: a wake-up only says "look now".
/// </summary>
public sealed class FirstRequestWaiter(IOptions<IdempotencyOptions> options, TimeProvider time)
{
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);

    /// <summary>A repeat's wait on <paramref name="scope"/> (the key, named with what it is for and whose it is).</summary>
    public FirstRequestWait Start(string? scope)
    {
        var settings = options.Value;
        return new FirstRequestWait(this, scope, time, time.GetUtcNow() + settings.Wait, settings.PollInterval, settings.MaxPollInterval);
    }

    /// <summary>
    /// Marks a request with the key as running here until the handle is disposed, which wakes every
    /// repeat waiting on <paramref name="scope"/> here. Null scope (no key): nothing to mark.
    /// </summary>
    public IDisposable Run(string? scope)
    {
        if (scope is null)
        {
            return Handle.None;
        }
        lock (_running)
        {
            if (!_running.TryGetValue(scope, out var running))
            {
                _running[scope] = running = new Running();
            }
            running.Count++;
            return new Handle(this, scope, running);
        }
    }

    /// <summary>Completes when no request with the key runs here any more; null when none does now.</summary>
    internal Task? Finished(string? scope)
    {
        if (scope is null)
        {
            return null;
        }
        lock (_running)
        {
            return _running.TryGetValue(scope, out var running) ? running.Done.Task : null;
        }
    }

    private void End(string scope, Running running)
    {
        lock (_running)
        {
            if (--running.Count > 0)
            {
                return;
            }
            _running.Remove(scope);
        }
        running.Done.TrySetResult();
    }

    private sealed class Running
    {
        public int Count;

        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Handle(FirstRequestWaiter? waiter, string scope, Running? running) : IDisposable
    {
        public static readonly Handle None = new(null, "", null);

        private int _disposed;

        public void Dispose()
        {
            if (waiter is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                waiter.End(scope, running!);
            }
        }
    }
}

public sealed class FirstRequestWait(
    FirstRequestWaiter waiter, string? scope, TimeProvider time, DateTimeOffset giveUpAt, TimeSpan pollInterval, TimeSpan maxPollInterval)
{
    private TimeSpan _next = pollInterval;

    /// <summary>
    /// Waits until the first request with the key ends here, or (when it does not run here) one back-off
    /// step, and returns true: the caller looks at the stored state again. Returns false at once when the
    /// wait is over.
    /// </summary>
    public async Task<bool> NextPollAsync(CancellationToken cancellationToken)
    {
        var left = giveUpAt - time.GetUtcNow();
        // Timers count whole milliseconds: a delay of less than one is none, and the last fraction of a
        // millisecond would be spent looking again and again (thousands of looks, each a query).
        if (left < TimeSpan.FromMilliseconds(1))
        {
            return false;
        }
        if (waiter.Finished(scope) is { } finished)
        {
            try
            {
                await finished.WaitAsync(left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The wait is over; the caller looks once more and the next call says so.
            }
        }
        else
        {
            await Task.Delay(_next < left ? _next : left, time, cancellationToken);
            _next = _next * 2 < maxPollInterval ? _next * 2 : maxPollInterval;
        }
        cancellationToken.ThrowIfCancellationRequested();
        return true;
    }
}

public static class IdempotencyServices
{
    /// <summary>Safe to call from every feature that takes a key.</summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services)
    {
        services.AddOptions<IdempotencyOptions>();
        services.TryAddSingleton<FirstRequestWaiter>();
        return services;
    }
}

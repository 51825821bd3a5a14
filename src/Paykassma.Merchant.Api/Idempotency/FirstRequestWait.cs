using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Idempotency;

/// <summary>How long a repeat waits for the first request with its key, and how often it looks.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>Configured as <c>Deposits:IdempotencyWait</c> (its documented key; see <see cref="Deposits.DepositExtensions"/>).</summary>
    public TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// A repeat that arrives while the first request with its key is still running waits for that
/// request's outcome (bounded), so both answer the same. Start one wait per request and poll the
/// stored state between <see cref="FirstRequestWait.NextPollAsync"/> calls.
/// </summary>
public sealed class FirstRequestWaiter(IOptions<IdempotencyOptions> options, TimeProvider time)
{
    public FirstRequestWait Start() => new(time, time.GetUtcNow() + options.Value.Wait, options.Value.PollInterval);
}

public sealed class FirstRequestWait(TimeProvider time, DateTimeOffset giveUpAt, TimeSpan pollInterval)
{
    /// <summary>Sleeps one poll interval and returns true, or returns false at once when the wait is over.</summary>
    public async Task<bool> NextPollAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() >= giveUpAt)
        {
            return false;
        }
        await Task.Delay(pollInterval, time, cancellationToken);
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

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// Delivers the due items of one <see cref="IDispatchQueue{TItem}"/>: queued ones, and ones whose
/// attempt died with its process. Any number of instances may run it against one database: the
/// queue's claim (SKIP LOCKED, lease, attempt number) gives each attempt to one dispatcher.
/// </summary>
/// <param name="name">The work's name in logs (<c>proof</c>, <c>payout</c>).</param>
/// <param name="settings">Read each round, so a test or reload sees the current values.</param>
public sealed partial class Dispatcher<TQueue, TItem>(
    string name,
    Func<DispatcherOptions> settings,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<Dispatcher<TQueue, TItem>> logger) : BackgroundService
    where TQueue : class, IDispatchQueue<TItem>
    where TItem : IDispatchedItem
{
    private const int Parallelism = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings().Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Typically the database being away; the claimed items' leases lapse and they return.
                LogRoundFailed(logger, ex, name);
            }

            if (claimed < settings().BatchSize)
            {
                try
                {
                    await Task.Delay(settings().PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims one batch of due items and delivers them; returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var current = settings();
        IReadOnlyList<TItem> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<TQueue>().ClaimDueAsync(current.BatchSize, current.Lease, cancellationToken);
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                // A scope per item: each attempt has its own DbContext and gateway client.
                await using var scope = scopes.CreateAsyncScope();
                try
                {
                    await scope.ServiceProvider.GetRequiredService<TQueue>().DeliverAsync(item, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDeliveryFailed(logger, ex, name, item.Id);
                }
            });
        return due.Count;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "The {Work} dispatcher's round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string work);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error,
        Message = "Delivering {Work} {Item} failed unexpectedly; its lease will lapse and it will be retried")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string work, Guid item);
}

public static class DispatcherExtensions
{
    /// <summary>Registers <typeparamref name="TQueue"/> (scoped) and a dispatcher that runs it in the background.</summary>
    public static IServiceCollection AddDispatcher<TQueue, TItem>(
        this IServiceCollection services, string name, Func<IServiceProvider, DispatcherOptions> settings)
        where TQueue : class, IDispatchQueue<TItem>
        where TItem : IDispatchedItem
    {
        services.AddScoped<TQueue>();
        services.AddSingleton(provider => new Dispatcher<TQueue, TItem>(
            name,
            () => settings(provider),
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<Dispatcher<TQueue, TItem>>>()));
        services.AddHostedService(provider => provider.GetRequiredService<Dispatcher<TQueue, TItem>>());
        return services;
    }
}

using Npgsql;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// Delivers the due items of one <see cref="IDispatchQueue{TItem}"/>: queued ones, and ones whose
/// attempt died with its process. Any number of instances may run it against one database: the
/// claim (SKIP LOCKED, lease, attempt number) gives each attempt to one dispatcher. The polling loop
/// only: the attempt's life is <see cref="AttemptRunner{TQueue, TItem}"/>'s.
/// </summary>
/// <param name="name">The work's name in logs (<c>proof</c>, <c>payout</c>, <c>event</c>).</param>
public sealed partial class Dispatcher<TQueue, TItem>(
    string name,
    AttemptRunner<TQueue, TItem> runner,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<Dispatcher<TQueue, TItem>> logger) : BackgroundService
    where TQueue : class, IDispatchQueue<TItem>
    where TItem : IDispatchedItem
{
    private const int Parallelism = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!runner.Settings.Enabled)
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

            if (claimed < runner.Settings.BatchSize)
            {
                try
                {
                    await Task.Delay(runner.Settings.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims one batch of due items and makes an attempt of each; returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var due = await runner.ClaimDueAsync(cancellationToken);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                // A scope per item: each attempt has its own gateway client (and whatever else the queue holds).
                await using var scope = scopes.CreateAsyncScope();
                try
                {
                    await runner.RunAsync(scope.ServiceProvider.GetRequiredService<TQueue>(), item, ct);
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
    /// <summary>
    /// Registers <typeparamref name="TQueue"/> (scoped), its <see cref="AttemptRunner{TQueue, TItem}"/>
    /// (one per queue) and a dispatcher that runs it in the background.
    /// </summary>
    /// <param name="settings">Read on each use, so a test or reload sees the current values.</param>
    internal static IServiceCollection AddDispatcher<TQueue, TItem>(
        this IServiceCollection services, string name, Func<IServiceProvider, DispatcherOptions> settings, DispatchStatements<TItem> statements)
        where TQueue : class, IDispatchQueue<TItem>
        where TItem : IDispatchedItem
    {
        services.AddScoped<TQueue>();
        services.AddSingleton(provider => new AttemptRunner<TQueue, TItem>(
            name,
            () => settings(provider),
            statements,
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<AttemptRunner<TQueue, TItem>>>()));
        services.AddSingleton(provider => new Dispatcher<TQueue, TItem>(
            name,
            provider.GetRequiredService<AttemptRunner<TQueue, TItem>>(),
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<Dispatcher<TQueue, TItem>>>()));
        services.AddHostedService(provider => provider.GetRequiredService<Dispatcher<TQueue, TItem>>());
        return services;
    }
}

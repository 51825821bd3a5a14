using Npgsql;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// A background job that runs a round, waits its interval, and runs again until the host stops. A
/// round that fails on the database is reported and tried again next time: an outage never ends
/// the job. Each job is safe on any number of instances by its own SQL (guarded updates, SKIP LOCKED).
/// </summary>
public abstract class PeriodicJob(TimeProvider time) : BackgroundService
{
    /// <summary>The clock the job waits on and reads (a fake one in tests).</summary>
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunRoundAsync(CancellationToken cancellationToken);

    /// <summary>Says (in the job's own log event) that a round failed and will be tried again.</summary>
    protected abstract void OnRoundFailed(Exception exception);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                OnRoundFailed(ex);
            }

            try
            {
                await Task.Delay(Interval, Time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// Delivers queued proofs (and proofs whose first attempt died with its process). Any number of
/// instances may run it against one database: proofs are claimed with FOR UPDATE SKIP LOCKED and a
/// lease, so each attempt belongs to one dispatcher. A proof whose earlier outcome was unknown is
/// resent with the same custom_transaction_id; see <see cref="ProofForwarder"/> for the gateway's
/// "already exists" answer.
/// </summary>
public sealed partial class ProofDispatcher(
    IServiceScopeFactory scopes,
    IOptions<ProofOptions> options,
    TimeProvider time,
    ILogger<ProofDispatcher> logger) : BackgroundService
{
    private const int Parallelism = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Dispatcher;
        if (!settings.Enabled)
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
                // Typically the database being away; the claimed proofs' leases lapse and they return.
                LogRoundFailed(logger, ex);
            }

            if (claimed < settings.BatchSize)
            {
                try
                {
                    await Task.Delay(settings.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims one batch of due proofs and delivers them; returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Dispatcher;
        IReadOnlyList<Proof> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<ProofStore>()
                .ClaimDueAsync(settings.BatchSize, settings.Lease, cancellationToken);
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (proof, ct) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<ProofStore>();
                var forwarder = scope.ServiceProvider.GetRequiredService<ProofForwarder>();
                try
                {
                    using var screenshot = await store.ReadScreenshotAsync(proof, ct);
                    await forwarder.DeliverAsync(proof, _ => ValueTask.FromResult(screenshot.OpenRead()), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDeliveryFailed(logger, ex, proof.Id);
                }
            });
        return due.Count;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Proof dispatcher round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Delivering proof {ProofId} failed unexpectedly; its lease will lapse and it will be retried")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, Guid proofId);
}

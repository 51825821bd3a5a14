using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Withdrawals;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>The statuses a withdrawal has still to report, after <paramref name="Previous"/>.</summary>
internal sealed record StatusSequence(ReceivedWithdrawal Withdrawal, PostbackRecord Previous, IReadOnlyList<int> Remaining);

/// <summary>Hands a withdrawal's later statuses from the request thread to <see cref="WithdrawalStatusSender"/>.</summary>
internal sealed class WithdrawalStatusQueue
{
    private readonly Channel<StatusSequence> _channel =
        Channel.CreateUnbounded<StatusSequence>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<StatusSequence> Reader => _channel.Reader;

    public void Enqueue(StatusSequence sequence) => _channel.Writer.TryWrite(sequence);
}

/// <summary>
/// Reports a withdrawal's later statuses in order: each is built when the one before it has left the
/// postback queue (delivered, given up after Sandbox:PostbackMaxAttempts, or not sent for want of a URL)
/// and Sandbox:WithdrawalStatusStepSeconds more have passed, then handed to <see cref="PostbackSender"/>,
/// which resends it until ok as any other. So a merchant never sees status 1 before status 4 of the same
/// withdrawal; one that never answers ok to an interim status never gets the final one (unless
/// PostbackMaxAttempts gives up on it), as a gateway that queues a withdrawal's postbacks would behave.
/// A status sent by /settle takes the withdrawal over: the statuses not reached by then are not reported.
/// </summary>
internal sealed partial class WithdrawalStatusSender(
    WithdrawalStatusQueue queue,
    WithdrawalPostbacks postbacks,
    PostbackOutbox outbox,
    IOptions<WithdrawalOptions> options,
    TimeProvider time,
    ILogger<WithdrawalStatusSender> logger) : BackgroundService
{
    private readonly TimeSpan _step = options.Value.StatusStep;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new HashSet<Task>();
        try
        {
            await foreach (var sequence in queue.Reader.ReadAllAsync(stoppingToken))
            {
                running.RemoveWhere(task => task.IsCompleted);
                running.Add(ReportInOrderAsync(sequence, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the sequences below see the same token and end at their next wait.
        }

        await Task.WhenAll(running);
    }

    private async Task ReportInOrderAsync(StatusSequence sequence, CancellationToken stoppingToken)
    {
        try
        {
            var previous = sequence.Previous;
            foreach (var status in sequence.Remaining)
            {
                await previous.Finished.WaitAsync(stoppingToken);
                if (_step > TimeSpan.Zero)
                {
                    await Task.Delay(_step, time, stoppingToken);
                }

                if (sequence.Withdrawal.Settlements.Any(settlement => !settlement.Automatic))
                {
                    LogTakenOver(logger, sequence.Withdrawal.WithdrawalId, status);
                    return;
                }

                previous = postbacks.Report(sequence.Withdrawal, status, choice: null, time.GetUtcNow(), automatic: true);
                outbox.SendLater(previous, TimeSpan.Zero);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The process is stopping; an in-memory sandbox forgets what it had still to report.
        }
        catch (Exception exception)
        {
            // A bug here must not end the reports of every other withdrawal.
            LogSequenceFailed(logger, exception, sequence.Withdrawal.WithdrawalId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Withdrawal {WithdrawalId} was settled through the control endpoint: its automatic statuses from {Status} on are not reported")]
    private static partial void LogTakenOver(ILogger logger, string withdrawalId, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Withdrawal {WithdrawalId}: reporting its statuses stopped by an unexpected error")]
    private static partial void LogSequenceFailed(ILogger logger, Exception exception, string withdrawalId);
}

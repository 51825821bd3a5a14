using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>A postback to deliver, and how long to wait before its next attempt.</summary>
internal sealed record QueuedPostback(PostbackRecord Record, TimeSpan Delay);

/// <summary>
/// Hands postbacks from request threads to <see cref="PostbackSender"/>: whoever builds a postback must
/// not wait for the merchant (a proof is answered at once, as the gateway answers it).
/// </summary>
internal sealed class PostbackQueue
{
    private readonly Channel<QueuedPostback> _channel =
        Channel.CreateUnbounded<QueuedPostback>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<QueuedPostback> Reader => _channel.Reader;

    public void Enqueue(PostbackRecord record, TimeSpan delay) => _channel.Writer.TryWrite(new QueuedPostback(record, delay));
}

/// <summary>
/// Delivers queued postbacks, each on its own, so a merchant that is slow with one does not hold up the
/// others. Resends the same bytes after each failure, waiting longer each time, until the merchant
/// answers ok, Sandbox:PostbackMaxAttempts is reached, or the process stops.
/// </summary>
internal sealed partial class PostbackSender(
    PostbackQueue queue,
    PostbackDelivery delivery,
    IOptions<PostbackOptions> options,
    TimeProvider time,
    ILogger<PostbackSender> logger) : BackgroundService
{
    private readonly PostbackOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!delivery.CanSend)
        {
            LogNotSending(logger);
        }

        var running = new HashSet<Task>();
        try
        {
            await foreach (var queued in queue.Reader.ReadAllAsync(stoppingToken))
            {
                running.RemoveWhere(task => task.IsCompleted);
                running.Add(DeliverUntilOkAsync(queued.Record, queued.Delay, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the loops below see the same token and end at their next wait.
        }

        await Task.WhenAll(running);
    }

    private async Task DeliverUntilOkAsync(PostbackRecord record, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            var wait = delay;
            while (true)
            {
                if (wait > TimeSpan.Zero)
                {
                    record.ScheduleAttempt(time.GetUtcNow() + wait);
                    await Task.Delay(wait, time, stoppingToken);
                }

                // A resend from the control endpoint may have delivered it while this loop waited.
                if (record.State != PostbackState.Pending)
                {
                    return;
                }

                var attempt = await delivery.AttemptAsync(record, stoppingToken);
                if (attempt.Ok)
                {
                    return;
                }

                if (_options.AttemptsExhausted(record.AttemptCount))
                {
                    record.Settle(PostbackState.GaveUp);
                    LogGaveUp(logger, record.Facts.Id, record.AttemptCount);
                    return;
                }

                wait = _options.RetryDelayAfter(record.AttemptCount);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The process is stopping; like the gateway's queue, an in-memory sandbox forgets what was pending.
        }
        catch (Exception exception)
        {
            // A bug here must not end the sender for every other postback.
            LogDeliveryFailed(logger, exception, record.Facts.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sandbox:PostbackUrl is not set: postbacks are built and listed at /sandbox/postbacks, but not sent")]
    private static partial void LogNotSending(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postback {PostbackId}: gave up after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, long postbackId, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Postback {PostbackId}: delivery stopped by an unexpected error")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, long postbackId);
}

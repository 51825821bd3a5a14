using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// Lists every postback built and starts its delivery: later, through <see cref="PostbackSender"/>, for
/// the automatic ones, or at once for the control endpoints, whose callers want the merchant's answer.
/// </summary>
internal sealed class PostbackOutbox(
    PostbackStore store,
    PostbackQueue queue,
    PostbackDelivery delivery,
    IOptions<PostbackOptions> options)
{
    private readonly PostbackOptions _options = options.Value;

    public bool CanSend => delivery.CanSend;

    /// <summary>Listed at once; the first attempt follows after <paramref name="delay"/>, the caller does not wait.</summary>
    public void SendLater(PostbackRecord record, TimeSpan delay)
    {
        store.Add(record);
        if (!CanSend)
        {
            record.Settle(PostbackState.NotSent);
            return;
        }

        queue.Enqueue(record, delay);
    }

    /// <summary>
    /// Sends <paramref name="copies"/> attempts at once and waits for their answers. A kind that is resent
    /// until ok goes on in the background if none of them was ok; the others are settled as sent once.
    /// </summary>
    public async Task SendNowAsync(PostbackRecord record, int copies = 1)
    {
        store.Add(record);
        if (!CanSend)
        {
            record.Settle(PostbackState.NotSent);
            return;
        }

        // Not the request's token: once started, an attempt is the gateway's business, and it is bounded
        // by Sandbox:PostbackTimeoutSeconds anyway.
        var attempts = await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => delivery.AttemptAsync(record, CancellationToken.None)));
        if (!record.ResendsUntilOk)
        {
            record.Settle(PostbackState.SentOnce);
        }
        else if (!attempts.Any(attempt => attempt.Ok))
        {
            if (_options.AttemptsExhausted(record.AttemptCount))
            {
                record.Settle(PostbackState.GaveUp);
            }
            else
            {
                queue.Enqueue(record, _options.RetryDelayAfter(record.AttemptCount));
            }
        }
    }

    /// <summary>One more attempt with the record's bytes, now; it can also deliver one that was given up.</summary>
    public Task<PostbackAttempt> ResendAsync(PostbackRecord record) => delivery.AttemptAsync(record, CancellationToken.None);
}

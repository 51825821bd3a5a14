using System.Diagnostics;
using Npgsql;

namespace Paykassma.Merchant.Api.Postbacks;

// A postback waiting for its batch: what to store, who waits, and its command once sent.
public sealed partial class PostbackBatcher
{
    /// <summary>Into the batch, unless its waiter has given up (it is answered as cancelled, and never stored).</summary>
    private static void Admit(List<Pending> batch, Pending pending)
    {
        if (pending.CancellationToken.IsCancellationRequested)
        {
            pending.Done.TrySetCanceled(pending.CancellationToken);
        }
        else
        {
            batch.Add(pending);
        }
    }

    private sealed class Pending(PostbackStatement statement, PostbackStatementInput input, CancellationToken cancellationToken)
    {
        public PostbackStatement Statement { get; } = statement;

        public PostbackStatementInput Input { get; } = input;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>When it was queued (a Stopwatch timestamp): how long the oldest has waited decides whether more loops join.</summary>
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<StoredPostback?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Its command in the batch being run: a refusal names it.</summary>
        public NpgsqlBatchCommand? Command { get; set; }
    }
}

using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Gateway;
using Paykassma.Sandbox.Withdrawals;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// Plays the gateway working on an accepted withdrawal: a genuine outgoing postback for each status it
/// reaches, the interim ones (Sandbox:WithdrawalInterimStatuses) and then the outcome, each with its
/// withdrawal_id and withdrawal_status, the first sent a moment later (Sandbox:PostbackDelaySeconds), each
/// resent until the merchant answers ok, and each only after the one before it (see
/// <see cref="WithdrawalStatusSender"/>). Also reports any status on demand, and redelivers reported ones.
/// </summary>
internal sealed class WithdrawalPostbacks(
    PostbackFactory factory,
    PostbackOutbox outbox,
    WithdrawalStatusQueue sequences,
    IOptions<PostbackOptions> options,
    TimeProvider time) : IWithdrawalAcceptedListener
{
    private readonly TimeSpan _delay = options.Value.Delay;

    public ValueTask OnWithdrawalAcceptedAsync(ReceivedWithdrawal withdrawal, CancellationToken cancellationToken)
    {
        // No planned outcome: the withdrawal stays in processing, unreported, until someone settles it.
        if (withdrawal.PlannedStatus is not { } final)
        {
            return ValueTask.CompletedTask;
        }

        IReadOnlyList<int> statuses = [.. withdrawal.InterimStatuses, final];
        // The first is listed at once, as before there were interim statuses; the later ones when they are reached.
        var first = Report(withdrawal, statuses[0], choice: null, withdrawal.ReceivedAt + _delay, automatic: true);
        outbox.SendLater(first, _delay);
        if (statuses.Count > 1)
        {
            sequences.Enqueue(new StatusSequence(withdrawal, first, statuses.Skip(1).ToArray()));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Builds the postback for <paramref name="status"/> and records it on the withdrawal; the caller sends it.
    /// </summary>
    /// <param name="choice">Which transaction_id; null: what the withdrawal's <see cref="WithdrawalTransactionIds"/> says.</param>
    internal PostbackRecord Report(
        ReceivedWithdrawal withdrawal, int status, TransactionIdChoice? choice, DateTimeOffset reachedAt, bool automatic)
    {
        var transactionId = (choice ?? withdrawal.TransactionIds.ForStatus(withdrawal.Settlements.Count)) switch
        {
            TransactionIdChoice.Same => withdrawal.TransactionId,
            TransactionIdChoice.New => GatewayIds.NewTransactionId(),
            _ => null,
        };
        var record = factory.ForWithdrawal(
            withdrawal, status, transactionId, reachedAt, automatic ? PostbackSource.Withdrawal : PostbackSource.Control);
        withdrawal.RecordSettlement(new WithdrawalSettlement(status, record.Facts.Id, reachedAt, automatic, transactionId) { Postback = record });
        return record;
    }

    /// <summary>
    /// Reports <paramref name="status"/> now, and waits for the merchant's first answer (the caller wants it).
    /// It takes the withdrawal over: automatic statuses not reached yet are no longer reported (one already
    /// built still goes out, and may arrive after this one).
    /// </summary>
    public async Task<PostbackRecord> SettleNowAsync(ReceivedWithdrawal withdrawal, int status, TransactionIdChoice? choice)
    {
        var record = Report(withdrawal, status, choice, time.GetUtcNow(), automatic: false);
        await outbox.SendNowAsync(record);
        return record;
    }

    /// <summary>
    /// The exact bytes of the latest status postback, or of every one oldest first, again, each as a
    /// duplicate sent once now (the gateway's resend of a postback it thinks was lost); waits for each answer
    /// before the next, so they arrive in order.
    /// </summary>
    public async Task<IReadOnlyList<PostbackRecord>> RedeliverAsync(ReceivedWithdrawal withdrawal, bool every)
    {
        var settlements = withdrawal.Settlements;
        List<PostbackRecord> sent = [];
        foreach (var settlement in every ? settlements : settlements.TakeLast(1))
        {
            if (settlement.Postback is { } original)
            {
                var duplicate = factory.Duplicate(original);
                await outbox.SendNowAsync(duplicate);
                sent.Add(duplicate);
            }
        }

        return sent;
    }
}

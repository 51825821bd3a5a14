using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Withdrawals;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// Plays the gateway paying out (or cancelling) an accepted withdrawal: a genuine outgoing postback with its
/// withdrawal_id and withdrawal_status, sent a moment later (Sandbox:PostbackDelaySeconds) and resent until
/// the merchant answers ok. Also settles a withdrawal on demand, with any status.
/// </summary>
internal sealed class WithdrawalPostbacks(
    PostbackFactory factory,
    PostbackOutbox outbox,
    IOptions<PostbackOptions> options,
    TimeProvider time) : IWithdrawalAcceptedListener
{
    private readonly TimeSpan _delay = options.Value.Delay;

    public ValueTask OnWithdrawalAcceptedAsync(ReceivedWithdrawal withdrawal, CancellationToken cancellationToken)
    {
        // No planned status: the withdrawal stays in processing until someone settles it.
        if (withdrawal.PlannedStatus is { } status)
        {
            var settledAt = withdrawal.ReceivedAt + _delay;
            var record = factory.ForWithdrawal(withdrawal, status, settledAt, PostbackSource.Withdrawal);
            withdrawal.RecordSettlement(new WithdrawalSettlement(status, record.Facts.Id, settledAt, Automatic: true));
            outbox.SendLater(record, _delay);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Reports <paramref name="status"/> now, and waits for the merchant's first answer (the caller wants it).</summary>
    public async Task<PostbackRecord> SettleNowAsync(ReceivedWithdrawal withdrawal, int status)
    {
        var settledAt = time.GetUtcNow();
        var record = factory.ForWithdrawal(withdrawal, status, settledAt, PostbackSource.Control);
        withdrawal.RecordSettlement(new WithdrawalSettlement(status, record.Facts.Id, settledAt, Automatic: false));
        await outbox.SendNowAsync(record);
        return record;
    }
}

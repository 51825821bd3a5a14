namespace Paykassma.Sandbox.Withdrawals;

/// <summary>
/// The seam for what follows an accepted withdrawal: the postback that reports its outcome is registered by
/// default (Postbacks/WithdrawalPostbacks). Called once per accepted withdrawal, after it is stored and
/// before the client is answered; keep it short. Not called for refusals or repeats; an exception is logged
/// and does not change the client's answer.
/// </summary>
public interface IWithdrawalAcceptedListener
{
    ValueTask OnWithdrawalAcceptedAsync(ReceivedWithdrawal withdrawal, CancellationToken cancellationToken);
}

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>
/// A deposit's progress. Stored and shown in snake_case (<c>awaiting_payment</c>, …). Status only
/// moves forward; every update names the statuses it may move from, so a late or repeated event is
/// a no-op instead of a step back.
/// </summary>
public enum DepositStatus
{
    AwaitingPayment,
    ProofSubmitted,
    PendingConfirmation,
    Confirmed,
    Expired,
}

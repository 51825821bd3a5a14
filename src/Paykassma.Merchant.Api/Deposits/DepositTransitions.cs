using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>The deposit status moves, each named after the event that makes it. A new deposit starts <c>awaiting_payment</c>.</summary>
public enum DepositMove
{
    /// <summary>A proof is stored (Proofs).</summary>
    SubmitProof,

    /// <summary>The gateway accepted a proof; the deposit waits for its postback (Proofs).</summary>
    ForwardProof,

    /// <summary>
    /// A signed postback credits the deposit (Postbacks): from any status, since money that arrives
    /// after expiry still confirms it (flagged for ops), and a second signed transaction adds to a
    /// confirmed deposit without moving it.
    /// </summary>
    Confirm,

    /// <summary>No confirmation in time (the expiry job).</summary>
    Expire,
}

/// <summary>
/// The deposit state machine in one place. Every statement that changes <c>deposits.status</c> takes
/// its status literals from here, so the guards ("only from these") and this table cannot disagree.
/// Status never moves backwards, and nothing leaves <c>confirmed</c>.
/// </summary>
public static class DepositTransitions
{
    public static readonly StatusMachine<DepositStatus, DepositMove> Moves = new(new Dictionary<DepositMove, (DepositStatus[], DepositStatus)>
    {
        [DepositMove.SubmitProof] = ([DepositStatus.AwaitingPayment], DepositStatus.ProofSubmitted),
        [DepositMove.ForwardProof] = ([DepositStatus.AwaitingPayment, DepositStatus.ProofSubmitted], DepositStatus.PendingConfirmation),
        [DepositMove.Confirm] = (Enum.GetValues<DepositStatus>(), DepositStatus.Confirmed),
        [DepositMove.Expire] = (
            [DepositStatus.AwaitingPayment, DepositStatus.ProofSubmitted, DepositStatus.PendingConfirmation],
            DepositStatus.Expired),
    });

    /// <summary>
    /// The statuses in which a deposit takes another proof: all but the final ones. Storing a proof moves
    /// only an <c>awaiting_payment</c> deposit (<see cref="DepositMove.SubmitProof"/>); the others keep
    /// their status (a proof after a refused one, or for a second transfer).
    /// </summary>
    public static readonly DepositStatus[] TakingProofs =
        [DepositStatus.AwaitingPayment, DepositStatus.ProofSubmitted, DepositStatus.PendingConfirmation];

    /// <summary>One status as an SQL literal: <c>'expired'</c>.</summary>
    public static string Sql(DepositStatus status) => SnakeCaseEnumConverter<DepositStatus>.SqlLiteral(status);
}

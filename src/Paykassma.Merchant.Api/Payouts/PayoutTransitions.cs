using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>The payout status moves, each named after the event that makes it.</summary>
public enum PayoutMove
{
    /// <summary>An ops user other than the creator approves a payout above the threshold.</summary>
    Approve,

    /// <summary>An ops user turns a payout down before it was ever sent.</summary>
    Reject,

    /// <summary>A dispatcher (or the request that made it due) claims an attempt: approved, queued, or a lapsed lease.</summary>
    Claim,

    /// <summary>The gateway said ok (or, after an attempt of unknown outcome, that it has the withdrawal_id).</summary>
    Send,

    /// <summary>The gateway said fail.</summary>
    Refuse,

    /// <summary>No answer; another attempt follows after a back-off.</summary>
    Queue,

    /// <summary>No answer, and it was the last attempt allowed.</summary>
    GiveUp,

    /// <summary>Ops send a failed or refused payout again, under the same withdrawal_id.</summary>
    Retry,

    /// <summary>The signed outgoing postback says paid (Postbacks).</summary>
    Pay,

    /// <summary>The signed outgoing postback says cancelled (Postbacks).</summary>
    Cancel,
}

/// <summary>
/// The payout state machine in one place: every statement that changes <c>payouts.status</c> takes its
/// statuses from here. <c>paid</c>, <c>cancelled</c> and <c>rejected</c> are final. A signed postback
/// settles a payout from any status in which the gateway may have it: the gateway's word on money
/// beats whatever answer we last saw (a lost ok, a timeout), and nothing settles a payout never sent.
/// </summary>
public static class PayoutTransitions
{
    private static readonly PayoutStatus[] MayBeAtGateway =
        [PayoutStatus.Sending, PayoutStatus.Sent, PayoutStatus.Queued, PayoutStatus.Failed, PayoutStatus.Refused];

    public static readonly StatusMachine<PayoutStatus, PayoutMove> Moves = new(new Dictionary<PayoutMove, (PayoutStatus[], PayoutStatus)>
    {
        [PayoutMove.Approve] = ([PayoutStatus.AwaitingApproval], PayoutStatus.Approved),
        [PayoutMove.Reject] = ([PayoutStatus.AwaitingApproval], PayoutStatus.Rejected),
        [PayoutMove.Claim] = ([PayoutStatus.Approved, PayoutStatus.Sending, PayoutStatus.Queued], PayoutStatus.Sending),
        [PayoutMove.Send] = ([PayoutStatus.Sending], PayoutStatus.Sent),
        [PayoutMove.Refuse] = ([PayoutStatus.Sending], PayoutStatus.Refused),
        [PayoutMove.Queue] = ([PayoutStatus.Sending], PayoutStatus.Queued),
        [PayoutMove.GiveUp] = ([PayoutStatus.Sending], PayoutStatus.Failed),
        [PayoutMove.Retry] = ([PayoutStatus.Failed, PayoutStatus.Refused], PayoutStatus.Queued),
        [PayoutMove.Pay] = (MayBeAtGateway, PayoutStatus.Paid),
        [PayoutMove.Cancel] = (MayBeAtGateway, PayoutStatus.Cancelled),
    });

    /// <summary>
    /// What a claimed attempt can come to, as moves; each starts from the claimed status, and the one
    /// statement that records an attempt (<c>PayoutStatements.RecordAttempt</c>) writes any of them.
    /// </summary>
    public static readonly AttemptMoves<PayoutStatus, PayoutMove> Attempt = new(Moves, new Dictionary<AttemptResult, PayoutMove>
    {
        [AttemptResult.Delivered] = PayoutMove.Send,
        [AttemptResult.Retry] = PayoutMove.Queue,
        [AttemptResult.GiveUp] = PayoutMove.GiveUp,
        [AttemptResult.Refused] = PayoutMove.Refuse,
    });

    /// <summary>The moves an attempt can make.</summary>
    public static readonly PayoutMove[] AttemptOutcomes = [.. Attempt.Moves];

    /// <summary>Where a new payout starts when the day's total to its account passes the approval threshold.</summary>
    public const PayoutStatus Held = PayoutStatus.AwaitingApproval;

    /// <summary>Where any other new payout starts: its first attempt is claimed by the statement that stores it.</summary>
    public const PayoutStatus SentAtOnce = PayoutStatus.Sending;

    /// <summary>
    /// The status an ops statement writes when it makes <paramref name="move"/> and claims the request's
    /// attempt in the same update (an approval, a retry: ADR 0025), as an SQL literal: the claim's target.
    /// The row passes through the move's target within the statement, so the claim must start from it;
    /// a table in which it could not fails here, when the statement is built.
    /// </summary>
    public static string SqlClaimedAfter(PayoutMove move) =>
        Moves.From(PayoutMove.Claim).Contains(Moves.To(move))
            ? Moves.SqlTo(PayoutMove.Claim)
            : throw new InvalidOperationException($"A payout's {move} move ends in {Moves.To(move)}, from which no claim starts.");

    /// <summary>One status as an SQL literal: <c>'sending'</c>.</summary>
    public static string Sql(PayoutStatus status) => SnakeCaseEnumConverter<PayoutStatus>.SqlLiteral(status);
}

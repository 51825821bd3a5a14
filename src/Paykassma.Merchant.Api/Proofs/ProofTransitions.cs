using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>The proof status moves, each named after the event that makes it. A new proof starts <c>submitting</c>.</summary>
public enum ProofMove
{
    /// <summary>The dispatcher claims a due proof: a queued one, or one whose attempt's lease lapsed.</summary>
    Claim,

    /// <summary>The gateway took the claimed attempt (or already knew it after an uncertain one).</summary>
    Forward,

    /// <summary>The gateway refused the claimed attempt.</summary>
    Reject,

    /// <summary>The claimed attempt got no answer; another follows after a back-off.</summary>
    Queue,

    /// <summary>The claimed attempt got no answer and it was the last one allowed.</summary>
    GiveUp,

    /// <summary>Ops send a failed proof again.</summary>
    Requeue,

    /// <summary>A signed postback names the proof: the gateway evidently has it, whatever we last heard (Postbacks).</summary>
    DeliveredByPostback,
}

/// <summary>
/// The proof state machine in one place. Every statement that changes <c>proofs.status</c> takes its
/// statuses from here. <c>forwarded</c> and <c>rejected</c> are final: a late writer never
/// overwrites them.
/// </summary>
public static class ProofTransitions
{
    public static readonly StatusMachine<ProofStatus, ProofMove> Moves = new(new Dictionary<ProofMove, (ProofStatus[], ProofStatus)>
    {
        [ProofMove.Claim] = ([ProofStatus.Submitting, ProofStatus.Queued], ProofStatus.Submitting),
        [ProofMove.Forward] = ([ProofStatus.Submitting], ProofStatus.Forwarded),
        [ProofMove.Reject] = ([ProofStatus.Submitting], ProofStatus.Rejected),
        [ProofMove.Queue] = ([ProofStatus.Submitting], ProofStatus.Queued),
        [ProofMove.GiveUp] = ([ProofStatus.Submitting], ProofStatus.Failed),
        [ProofMove.Requeue] = ([ProofStatus.Failed], ProofStatus.Queued),
        [ProofMove.DeliveredByPostback] = ([ProofStatus.Submitting, ProofStatus.Queued, ProofStatus.Failed], ProofStatus.Forwarded),
    });

    /// <summary>
    /// What a claimed delivery attempt can come to, as moves; the one statement that records an attempt
    /// (<c>ProofStatements.RecordAttempt</c>) writes any of them, from the claimed status.
    /// </summary>
    public static readonly AttemptMoves<ProofStatus, ProofMove> Attempt = new(Moves, new Dictionary<AttemptResult, ProofMove>
    {
        [AttemptResult.Delivered] = ProofMove.Forward,
        [AttemptResult.Retry] = ProofMove.Queue,
        [AttemptResult.GiveUp] = ProofMove.GiveUp,
        [AttemptResult.Refused] = ProofMove.Reject,
    });

    /// <summary>One status as an SQL literal: <c>'submitting'</c>.</summary>
    public static string Sql(ProofStatus status) => SnakeCaseEnumConverter<ProofStatus>.SqlLiteral(status);
}

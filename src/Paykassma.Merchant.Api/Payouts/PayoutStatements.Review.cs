using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// The ops actions on a payout (<see cref="PayoutReview"/>): each one statement that moves it, records
/// who did it and why (ops_actions) and answers with <see cref="Answer"/>'s one row, so that neither a
/// refusal nor a success reads the payout again (ADR 0025). An approval and a retry also claim the
/// request's attempt, as the dispatcher's claim would (<see cref="ClaimStatement.Assignments"/>): the
/// request sends the payout at once, and no dispatcher can take it in between.
/// </summary>
internal static partial class PayoutStatements
{
    /// <summary>
    /// Four eyes: approves a payout awaiting approval, unless the approver created it, and claims its
    /// first attempt for this request (the Approve move, then the Claim move, in one update), with the
    /// payout dispatcher's lease; and records who did it.
    /// </summary>
    public static readonly NamedStatement<PayoutReviewInput> Approve = NamedStatement<PayoutReviewInput>.Build(PayoutReviewInput.Binders, p => $"""
        WITH approved AS (
            UPDATE payouts AS x
            SET {ClaimStatement.Assignments(PayoutTransitions.SqlClaimedAfter(PayoutMove.Approve), p["lease_end"])}{ClaimedAlso(p["now"])}
            WHERE x.id = {p["id"]} AND x.status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Approve)}) AND x.created_by <> {p["actor"]}
            RETURNING x.*
        ),
        {OpsAudit.Record("audited", OpsActionType.PayoutApprove, "approved", p["actor"], p["reason"], p["now"])}
        {Answer("approved", p)}
        """);

    /// <summary>
    /// Turns down a payout awaiting approval, frees its amount in its day's label and account totals, and
    /// records who and why. The totals are taken in the order the insert takes them (label, then account),
    /// so a rejection and a new payout never wait for each other in a cycle; an absent total (a payout
    /// counted before totals were kept per account) is written as 0.
    /// </summary>
    public static readonly NamedStatement<PayoutReviewInput> Reject = NamedStatement<PayoutReviewInput>.Build(PayoutReviewInput.Binders, p => $"""
        WITH rejected AS (
            UPDATE payouts SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Reject)}, next_attempt_at = NULL, updated_at = {p["now"]}
            WHERE id = {p["id"]} AND status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Reject)})
            RETURNING *
        ),
        freed AS (
            INSERT INTO payout_daily_totals AS t (scope, key, day, total)
            SELECT s.scope, s.key, (r.created_at AT TIME ZONE 'UTC')::date, 0
            FROM rejected r
            CROSS JOIN LATERAL (VALUES (1, {Scope(PayoutLimitScope.Label)}, r.label),
                                       (2, {Scope(PayoutLimitScope.Account)}, r.account_number)) AS s(ord, scope, key)
            ORDER BY s.ord
            ON CONFLICT (scope, key, day) DO UPDATE SET total = t.total - (SELECT amount FROM rejected)
        ),
        {OpsAudit.Record("audited", OpsActionType.PayoutReject, "rejected", p["actor"], p["reason"], p["now"])},
        {EventStatements.Emit("rejected_events", $"""
            -- The back office debited the user when it asked: the ledger must hear the money is not going out, and why.
            SELECT '{EventTypes.PayoutRejected}', r.id, '{EventTypes.PayoutRejected}:' || r.id,
                {EventStatements.PayoutData("r")} || jsonb_build_object('reason', {p["reason"]}::text), {p["now"]}::timestamptz
            FROM rejected r
            """)}
        {Answer("rejected", p)}
        """);

    /// <summary>
    /// Ops send a failed or refused payout again under the same withdrawal_id, with a fresh allowance of
    /// attempts, and record who and why; the request's attempt is claimed by the same update (the Retry
    /// move, then the Claim move), with the payout dispatcher's lease. The allowance counts from the
    /// attempts made before this one, as the claim reads them.
    /// </summary>
    public static readonly NamedStatement<PayoutReviewInput> Retry = NamedStatement<PayoutReviewInput>.Build(PayoutReviewInput.Binders, p => $"""
        WITH retried AS (
            UPDATE payouts AS x
            SET {ClaimStatement.Assignments(PayoutTransitions.SqlClaimedAfter(PayoutMove.Retry), p["lease_end"])},
                attempt_limit = x.attempts + {p["extra_attempts"]}{ClaimedAlso(p["now"])}
            WHERE x.id = {p["id"]} AND x.status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Retry)})
            RETURNING x.*
        ),
        {OpsAudit.Record("audited", OpsActionType.PayoutRetry, "retried", p["actor"], p["reason"], p["now"])}
        {Answer("retried", p)}
        """);

    /// <summary>
    /// An ops statement's one row: the payout as the statement found it when <paramref name="moved"/> is
    /// empty (its status, and whether the actor created it; both null: no such payout), then the moved
    /// payout's row (<see cref="PayoutRow"/>; null when it did not move). The lookup reads the statement's
    /// snapshot, the payout before any move: it is taken only when nothing moved.
    /// </summary>
    private static string Answer(string moved, StatementParameters<PayoutReviewInput> p) => $"""
        SELECT f.status, f.created_by = {p["actor"]}, {PayoutRow.List("m")}
        FROM (SELECT 1) AS one
        LEFT JOIN {moved} m ON true
        LEFT JOIN payouts f ON f.id = {p["id"]} AND NOT EXISTS (SELECT 1 FROM {moved})
        """;
}

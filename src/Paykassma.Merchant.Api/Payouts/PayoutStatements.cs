using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// The payout feature's writes that change more than one row or table, each one statement (its own
/// transaction) on the NpgsqlDataSource with positional parameters listed here; the status literals
/// come from <see cref="PayoutTransitions"/> (ADR 0001). Every outcome is written only by the claimant
/// of the attempt (<c>attempts = $n</c>), so a slow attempt can never overwrite a newer one.
/// </summary>
internal static class PayoutStatements
{
    /// <summary>
    /// Counts the payout into its label's and its account's totals for the day, decides whether it waits
    /// for approval, and stores it: one statement (ADR 0015). The totals' rows are the locks, taken in a
    /// fixed order (label, then account: the VALUES order), so two concurrent payouts for one label or
    /// one account serialise on that row and the second sees the first's amount, and no two statements
    /// wait for each other in a cycle. Each row carries its limit and a check constraint per scope holds
    /// the total to it: a payout that would pass either limit fails the whole statement, so neither total
    /// keeps a partial count (the constraint's name says which). The account's new total (this payout
    /// included) decides: above the threshold it waits for a second person, otherwise its first attempt
    /// is claimed here, so splitting a payout or changing its label does not avoid the approval. A
    /// unique violation (the same Idempotency-Key) undoes the counts with the rest of the statement.
    /// The limits and the threshold are null when not set. Returns the status, attempts and
    /// next_attempt_at it was stored with.
    /// </summary>
    public static readonly NamedStatement<PayoutInsertInput> Insert = NamedStatement<PayoutInsertInput>.Build(PayoutInsertInput.Binders, p => $"""
        WITH counted AS (
            INSERT INTO payout_daily_totals AS t (scope, key, day, total, daily_limit)
            VALUES ({Scope(PayoutLimitScope.Label)}, {p["label"]}, {p["day"]}, {p["amount"]}, {p["label_daily_limit"]}),
                   ({Scope(PayoutLimitScope.Account)}, {p["account_number"]}, {p["day"]}, {p["amount"]}, {p["account_daily_limit"]})
            ON CONFLICT (scope, key, day) DO UPDATE SET total = t.total + EXCLUDED.total, daily_limit = EXCLUDED.daily_limit
            RETURNING scope, total
        ),
        decided AS (
            SELECT {p["approval_threshold"]}::bigint IS NOT NULL AND c.total > {p["approval_threshold"]}::bigint AS held
            FROM counted c
            WHERE c.scope = {Scope(PayoutLimitScope.Account)}
        )
        INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number,
            account_name, bank_details, status, created_by, idempotency_key, request_hash, attempts, attempt_limit,
            outcome_uncertain, next_attempt_at, amount_mismatch, created_at, updated_at)
        SELECT {p["id"]}, {p["withdrawal_id"]}, {p["label"]}, {p["amount"]}, {p["currency"]}, {p["payment_system"]}, {p["is_test"]},
            {p["account_number"]}, {p["account_name"]}, {p["bank_details"]}::jsonb,
            CASE WHEN d.held THEN {PayoutTransitions.Sql(PayoutTransitions.Held)} ELSE {PayoutTransitions.Sql(PayoutTransitions.SentAtOnce)} END,
            {p["created_by"]}, {p["idempotency_key"]}, {p["request_hash"]}, CASE WHEN d.held THEN 0 ELSE 1 END, {p["attempt_limit"]}, false,
            CASE WHEN d.held THEN NULL ELSE {p["lease_end"]} END, false, {p["now"]}, {p["now"]}
        FROM decided d
        RETURNING status, attempts, next_attempt_at
        """);

    // A lapsed lease (still sending) means the last attempt's outcome is unknown, which the claim
    // records. The inner guard is the filter of ix_payouts_due, which serves it.
    private static NamedStatement<ClaimInput> Claim(bool one) => ClaimStatement.Build("payouts",
        PayoutTransitions.Moves.SqlTo(PayoutMove.Claim), PayoutTransitions.Moves.SqlFrom(PayoutMove.Claim),
        p => $", updated_at = {p["now"]}, outcome_uncertain = x.outcome_uncertain OR x.status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Claim)}",
        _ => ClaimedPayout.Columns, one);

    /// <summary>Claims due payouts (approved, queued, or whose lease lapsed), returning what the attempt sends (ADR 0020).</summary>
    public static readonly NamedStatement<ClaimInput> ClaimDue = Claim(one: false);

    /// <summary>The same claim for one payout, made due by the request that approved or retried it.</summary>
    public static readonly NamedStatement<ClaimInput> ClaimOne = Claim(one: true);

    /// <summary>
    /// Records what the gateway made of the claimed attempt, and the attempt itself, in one statement
    /// fenced by the attempt (ADR 0020): the payout moves to the status of its result
    /// (<see cref="PayoutTransitions.Attempt"/>); sent, refused and failed write their event (payout.sent,
    /// …); every attempt is a row of payout_attempts. Returns how many payouts moved (0 when a newer
    /// attempt or a postback got there first).
    /// </summary>
    public static readonly NamedStatement<AttemptRecord> RecordAttempt = AttemptRecord.Statement(p => $"""
        WITH moved AS (
            UPDATE payouts
            SET status = {p["status"]}, gateway_message = COALESCE({p["message"]}, gateway_message), last_error = {p["error"]},
                outcome_uncertain = outcome_uncertain OR {p["uncertain"]}, next_attempt_at = {p["next_attempt_at"]},
                sent_at = CASE WHEN {p["status"]} = {PayoutTransitions.Attempt.Sql(AttemptResult.Delivered)} THEN {p["now"]} ELSE sent_at END,
                updated_at = {p["now"]}
            WHERE {AttemptRecord.Fence(p, PayoutTransitions.Attempt.SqlClaimed)}
            RETURNING *
        ),
        {EventStatements.Emit("payout_events", $"""
            SELECT 'payout.' || m.status, m.id, 'payout.' || m.status || ':' || m.id || ':' || m.attempts, {EventStatements.PayoutData("m")}, {p["now"]}::timestamptz
            FROM moved m
            WHERE m.status IN ({PayoutTransitions.Moves.SqlToAny(PayoutMove.Send, PayoutMove.Refuse, PayoutMove.GiveUp)})
            """)},
        attempt AS (
            INSERT INTO payout_attempts (payout_id, attempt, outcome, gateway_message, error, outcome_uncertain, at)
            SELECT id, attempts, {p["status"]}, {p["message"]}, {p["error"]}, {p["uncertain"]}, {p["now"]} FROM moved
        )
        SELECT count(*)::int FROM moved
        """);

    /// <summary>The payout queue's statements, for Dispatching.</summary>
    public static readonly DispatchStatements<ClaimedPayout> Dispatch =
        new(ClaimDue, RecordAttempt, ClaimedPayout.Read, PayoutTransitions.Attempt.Text, ClaimOne);

    /// <summary>
    /// Four eyes: approves a payout awaiting approval, unless the approver created it, makes it due at
    /// once, and records who did it. $1 id, $2 approver (token subject), $3 now, $4 reason (or null).
    /// Returns one row: whether it moved and, when it did not, why, from the payout as the statement found
    /// it (no row of it: not found; its status and creator: four eyes or the wrong status), so a refusal
    /// is answered without reading the payout again.
    /// </summary>
    public static readonly string Approve = $"""
        WITH approved AS (
            UPDATE payouts SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Approve)}, next_attempt_at = $3, updated_at = $3
            WHERE id = $1 AND status = {PayoutTransitions.Moves.SqlFrom(PayoutMove.Approve)} AND created_by <> $2
            RETURNING id
        ),
        {OpsAudit.Record("audited", OpsActionType.PayoutApprove, "approved", "$2", "$4", "$3")}
        SELECT EXISTS (SELECT 1 FROM approved), p.status, p.created_by = $2
        FROM (SELECT 1) AS one
        LEFT JOIN payouts p ON p.id = $1 AND NOT EXISTS (SELECT 1 FROM approved)
        """;

    /// <summary>
    /// Turns down a payout awaiting approval, frees its amount in its day's label and account totals, and
    /// records who and why. The totals are taken in the order the insert takes them (label, then account),
    /// so a rejection and a new payout never wait for each other in a cycle; an absent total (a payout
    /// counted before totals were kept per account) is written as 0. $1 id, $2 actor, $3 reason, $4 now.
    /// Returns the id when it moved.
    /// </summary>
    public static readonly string Reject = $"""
        WITH rejected AS (
            UPDATE payouts SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Reject)}, next_attempt_at = NULL, updated_at = $4
            WHERE id = $1 AND status = {PayoutTransitions.Moves.SqlFrom(PayoutMove.Reject)}
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
        {OpsAudit.Record("audited", OpsActionType.PayoutReject, "rejected", "$2", "$3", "$4")},
        {EventStatements.Emit("rejected_events", $"""
            -- The back office debited the user when it asked: the ledger must hear the money is not going out, and why.
            SELECT '{EventTypes.PayoutRejected}', r.id, '{EventTypes.PayoutRejected}:' || r.id,
                {EventStatements.PayoutData("r")} || jsonb_build_object('reason', $3::text), $4::timestamptz
            FROM rejected r
            """)}
        SELECT id FROM rejected
        """;

    /// <summary>
    /// Ops send a failed or refused payout again under the same withdrawal_id, with a fresh allowance of
    /// attempts, due at once, and record who and why. $1 id, $2 actor, $3 extra attempts, $4 now, $5 reason.
    /// Returns the id when it moved.
    /// </summary>
    public static readonly string Retry = $"""
        WITH retried AS (
            UPDATE payouts SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Retry)}, attempt_limit = attempts + $3,
                next_attempt_at = $4, updated_at = $4
            WHERE id = $1 AND status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Retry)})
            RETURNING id
        ),
        {OpsAudit.Record("audited", OpsActionType.PayoutRetry, "retried", "$2", "$5", "$4")}
        SELECT id FROM retried
        """;

    /// <summary>
    /// Marks the payouts still <c>sent</c> past their settlement deadline as stale, once: the guard on
    /// <c>stale_since</c> lets one of any number of instances mark (and log) each. $1 now, $2 the latest
    /// sent_at that is stale, $3 batch size. Served by ix_payouts_sent. Returns what the log names.
    /// </summary>
    public static readonly string MarkStale = $"""
        UPDATE payouts AS p SET stale_since = $1
        FROM (SELECT id FROM payouts
              WHERE status = {PayoutTransitions.Sql(PayoutStatus.Sent)} AND sent_at < $2 AND stale_since IS NULL
              ORDER BY sent_at
              LIMIT $3
              FOR UPDATE SKIP LOCKED) AS due
        WHERE p.id = due.id AND p.stale_since IS NULL
        RETURNING p.id, p.withdrawal_id, p.sent_at
        """;

    private static string Scope(PayoutLimitScope scope) => SnakeCaseEnumConverter<PayoutLimitScope>.SqlLiteral(scope);
}

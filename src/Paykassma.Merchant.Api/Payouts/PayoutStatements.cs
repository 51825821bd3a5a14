using Paykassma.Merchant.Api.Events;

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
    /// Counts the payout into its label's total for the day and stores it, or stores nothing when the
    /// total would pass the limit. The total's row is the lock: of two concurrent payouts for one label,
    /// the second waits for the first's commit and then sees its amount, so both cannot pass. A unique
    /// violation (the same Idempotency-Key) undoes the count with the rest of the statement.
    /// Parameters: $1 id, $2 withdrawal_id, $3 label, $4 amount, $5 currency, $6 payment_system, $7 is_test,
    /// $8 account_number, $9 account_name, $10 bank_details (jsonb), $11 status, $12 created_by,
    /// $13 idempotency_key, $14 request_hash, $15 attempts, $16 attempt_limit, $17 next_attempt_at,
    /// $18 now, $19 the UTC day, $20 the daily limit (the amount itself is checked against it first).
    /// Returns the id, or no row when the limit refused it.
    /// </summary>
    public const string Insert = """
        WITH counted AS (
            INSERT INTO payout_daily_totals AS t (label, day, total) VALUES ($3, $19, $4)
            ON CONFLICT (label, day) DO UPDATE SET total = t.total + EXCLUDED.total
                WHERE t.total + EXCLUDED.total <= $20
            RETURNING total
        )
        INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number,
            account_name, bank_details, status, created_by, idempotency_key, request_hash, attempts, attempt_limit,
            outcome_uncertain, next_attempt_at, amount_mismatch, created_at, updated_at)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16, false, $17, false, $18, $18
        FROM counted
        RETURNING id
        """;

    // Claims due payouts: $1 now, $2 lease end, $3 batch size (and $4 the payout, for one). A lapsed
    // lease (still sending) means the last attempt's outcome is unknown, which the claim records.
    // The inner guard is the filter of ix_payouts_due, which serves it.
    private static string Claim(string which) => $"""
        UPDATE payouts AS p
        SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Claim)}, attempts = p.attempts + 1, next_attempt_at = $2,
            updated_at = $1, outcome_uncertain = p.outcome_uncertain OR p.status = {PayoutTransitions.Sql(PayoutStatus.Sending)}
        FROM (SELECT id FROM payouts
              WHERE status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Claim)}) AND next_attempt_at <= $1 {which}
              ORDER BY next_attempt_at
              LIMIT $3
              FOR UPDATE SKIP LOCKED) AS due
        WHERE p.id = due.id
        RETURNING p.id
        """;

    public static readonly string ClaimDue = Claim("");

    /// <summary>The same claim for one payout ($4), made due by the request that approved or retried it.</summary>
    public static readonly string ClaimOne = Claim("AND id = $4");

    /// <summary>
    /// Records what the gateway made of the claimed attempt, and the attempt itself: $1 id, $2 attempt,
    /// $3 the new status (sent, refused, queued or failed: every such move starts from sending),
    /// $4 gateway message, $5 error, $6 whether the outcome was uncertain, $7 next attempt, $8 now.
    /// Sent, refused and failed write their event (payout.sent, …) in the same statement. Returns how many
    /// payouts moved (0 when a newer attempt or a postback got there first).
    /// </summary>
    public static readonly string RecordAttempt = $"""
        WITH moved AS (
            UPDATE payouts
            SET status = $3, gateway_message = COALESCE($4, gateway_message), last_error = $5,
                outcome_uncertain = outcome_uncertain OR $6, next_attempt_at = $7,
                sent_at = CASE WHEN $3 = {PayoutTransitions.Moves.SqlTo(PayoutMove.Send)} THEN $8 ELSE sent_at END,
                updated_at = $8
            WHERE id = $1 AND attempts = $2 AND status = {PayoutTransitions.Moves.SqlFrom(PayoutMove.Send)}
            RETURNING *
        ),
        {EventStatements.Emit("payout_events", $"""
            SELECT 'payout.' || m.status, m.id, 'payout.' || m.status || ':' || m.id || ':' || m.attempts, {EventStatements.PayoutData("m")}, $8::timestamptz
            FROM moved m
            WHERE m.status IN ({PayoutTransitions.Sql(PayoutStatus.Sent)}, {PayoutTransitions.Sql(PayoutStatus.Refused)}, {PayoutTransitions.Sql(PayoutStatus.Failed)})
            """)}
        INSERT INTO payout_attempts (payout_id, attempt, outcome, gateway_message, error, outcome_uncertain, at)
        SELECT id, attempts, $3, $4, $5, $6, $8 FROM moved
        """;

    /// <summary>
    /// Four eyes: approves a payout awaiting approval, unless the approver created it, and makes it due
    /// at once. $1 id, $2 approver (token subject), $3 now. Returns the id when it moved.
    /// </summary>
    public static readonly string Approve = $"""
        WITH approved AS (
            UPDATE payouts SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Approve)}, next_attempt_at = $3, updated_at = $3
            WHERE id = $1 AND status = {PayoutTransitions.Moves.SqlFrom(PayoutMove.Approve)} AND created_by <> $2
            RETURNING id
        )
        INSERT INTO payout_actions (payout_id, action, actor, reason, at)
        SELECT id, 'approve', $2, NULL, $3 FROM approved
        RETURNING payout_id
        """;

    /// <summary>
    /// Turns down a payout awaiting approval, frees its amount in its day's total, and records who and
    /// why. $1 id, $2 actor, $3 reason, $4 now. Returns the id when it moved.
    /// </summary>
    public static readonly string Reject = $"""
        WITH rejected AS (
            UPDATE payouts SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Reject)}, next_attempt_at = NULL, updated_at = $4
            WHERE id = $1 AND status = {PayoutTransitions.Moves.SqlFrom(PayoutMove.Reject)}
            RETURNING id, label, amount, created_at
        ),
        freed AS (
            UPDATE payout_daily_totals t SET total = t.total - r.amount
            FROM rejected r
            WHERE t.label = r.label AND t.day = (r.created_at AT TIME ZONE 'UTC')::date
        )
        INSERT INTO payout_actions (payout_id, action, actor, reason, at)
        SELECT id, 'reject', $2, $3, $4 FROM rejected
        RETURNING payout_id
        """;

    /// <summary>
    /// Ops send a failed or refused payout again under the same withdrawal_id, with a fresh allowance of
    /// attempts, due at once. $1 id, $2 actor, $3 extra attempts, $4 now. Returns the id when it moved.
    /// </summary>
    public static readonly string Retry = $"""
        WITH retried AS (
            UPDATE payouts SET status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Retry)}, attempt_limit = attempts + $3,
                next_attempt_at = $4, updated_at = $4
            WHERE id = $1 AND status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Retry)})
            RETURNING id
        )
        INSERT INTO payout_actions (payout_id, action, actor, reason, at)
        SELECT id, 'retry', $2, NULL, $4 FROM retried
        RETURNING payout_id
        """;
}

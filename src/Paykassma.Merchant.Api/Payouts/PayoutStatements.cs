using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// The payout feature's writes that change more than one row or table, each one statement (its own
/// transaction) on the NpgsqlDataSource, its parameters named; the status literals come from
/// <see cref="PayoutTransitions"/> (ADR 0001). Every outcome is written only by the claimant of the
/// attempt (<c>attempts = $n</c>), so a slow attempt can never overwrite a newer one. A statement a
/// request answers with returns the payout's row (<see cref="PayoutRow"/>): nothing is read again
/// (ADR 0025). The ops actions' statements are in PayoutStatements.Review.cs.
/// </summary>
internal static partial class PayoutStatements
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
    /// The limits and the threshold are null when not set. The key is guarded here too (ADR 0003 as
    /// ADR 0021 applies it to proofs): when the statement's snapshot already holds a payout of the
    /// creator under it, nothing is counted or stored and that payout is the answer; a request that
    /// stored the key after the snapshot is still refused by the unique index. Returns one row: whether
    /// this statement stored the payout, then the payout's row (the new one, or the earlier one).
    /// </summary>
    public static readonly NamedStatement<PayoutInsertInput> Insert = NamedStatement<PayoutInsertInput>.Build(PayoutInsertInput.Binders, p => $"""
        WITH earlier AS (
            SELECT {PayoutRow.List("e")} FROM payouts e
            WHERE e.created_by = {p["created_by"]} AND e.idempotency_key = {p["idempotency_key"]}
        ),
        counted AS (
            INSERT INTO payout_daily_totals AS t (scope, key, day, total, daily_limit)
            SELECT s.scope, s.key, {p["day"]}, {p["amount"]}, s.daily_limit
            FROM (VALUES (1, {Scope(PayoutLimitScope.Label)}, {p["label"]}, {p["label_daily_limit"]}),
                         (2, {Scope(PayoutLimitScope.Account)}, {p["account_number"]}, {p["account_daily_limit"]})) AS s(ord, scope, key, daily_limit)
            WHERE NOT EXISTS (SELECT 1 FROM earlier)
            ORDER BY s.ord
            ON CONFLICT (scope, key, day) DO UPDATE SET total = t.total + EXCLUDED.total, daily_limit = EXCLUDED.daily_limit
            RETURNING scope, total
        ),
        decided AS (
            SELECT {p["approval_threshold"]}::bigint IS NOT NULL AND c.total > {p["approval_threshold"]}::bigint AS held
            FROM counted c
            WHERE c.scope = {Scope(PayoutLimitScope.Account)}
        ),
        stored AS (
            INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number,
                account_name, bank_details, status, created_by, idempotency_key, request_hash, attempts, attempt_limit,
                outcome_uncertain, next_attempt_at, amount_mismatch, created_at, updated_at)
            SELECT {p["id"]}, {p["withdrawal_id"]}, {p["label"]}, {p["amount"]}, {p["currency"]}, {p["payment_system"]}, {p["is_test"]},
                {p["account_number"]}, {p["account_name"]}, {p["bank_details"]}::jsonb,
                CASE WHEN d.held THEN {PayoutTransitions.Sql(PayoutTransitions.Held)} ELSE {PayoutTransitions.Sql(PayoutTransitions.SentAtOnce)} END,
                {p["created_by"]}, {p["idempotency_key"]}, {p["request_hash"]}, CASE WHEN d.held THEN 0 ELSE 1 END, {p["attempt_limit"]}, false,
                CASE WHEN d.held THEN NULL ELSE {p["lease_end"]} END, false, {p["now"]}, {p["now"]}
            FROM decided d
            RETURNING {PayoutRow.List("payouts")}
        )
        SELECT true, s.* FROM stored s
        UNION ALL
        SELECT false, e.* FROM earlier e
        """);

    /// <summary>
    /// Claims due payouts (approved, queued, or whose lease lapsed), returning what the attempt sends
    /// (ADR 0020). The inner guard is the filter of ix_payouts_due, which serves it.
    /// </summary>
    public static readonly NamedStatement<ClaimInput> ClaimDue = ClaimStatement.Build("payouts",
        PayoutTransitions.Moves.SqlTo(PayoutMove.Claim), PayoutTransitions.Moves.SqlFrom(PayoutMove.Claim),
        p => ClaimedAlso(p["now"]), _ => ClaimedPayout.Columns);

    /// <summary>
    /// What a payout's claim writes besides Dispatching's claim (<see cref="ClaimStatement.Assignments"/>),
    /// on the claimed row <c>x</c>: a claim of a payout still sending (its lease lapsed) records that the
    /// last attempt's outcome is unknown. The dispatcher's claim and the ops statements that claim the
    /// request's own attempt (approval, retry) write it alike.
    /// </summary>
    private static string ClaimedAlso(string now) =>
        $", updated_at = {now}, outcome_uncertain = x.outcome_uncertain OR x.status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Claim)}";

    /// <summary>
    /// Records what the gateway made of the claimed attempt, and the attempt itself, in one statement
    /// fenced by the attempt (ADR 0020): the payout moves to the status of its result
    /// (<see cref="PayoutTransitions.Attempt"/>); sent, refused and failed write their event (payout.sent,
    /// …); every attempt is a row of payout_attempts. The dispatcher's variant returns how many payouts
    /// moved (0 when a newer attempt or a postback got there first); the request's returns the moved
    /// payout's row (none then), which it answers with (ADR 0025).
    /// </summary>
    private static readonly (NamedStatement<AttemptRecord> Counting, NamedStatement<AttemptRecord> Returning) Recording =
        AttemptRecord.Statements(p => $"""
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
            """, PayoutRow.List("moved"));

    /// <summary>The dispatcher's recording: returns how many payouts moved.</summary>
    public static readonly NamedStatement<AttemptRecord> RecordAttempt = Recording.Counting;

    /// <summary>The same recording for the request that made the attempt: returns the moved payout's row.</summary>
    public static readonly NamedStatement<AttemptRecord> RecordAttemptReturning = Recording.Returning;

    /// <summary>The payout queue's statements, for Dispatching.</summary>
    public static readonly DispatchStatements<ClaimedPayout> Dispatch =
        new(ClaimDue, RecordAttempt, ClaimedPayout.Read, PayoutTransitions.Attempt.Text, RecordAttemptReturning);

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

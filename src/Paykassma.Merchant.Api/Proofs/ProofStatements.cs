using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// The proof feature's writes that EF Core's ExecuteUpdate cannot express: an insert into several
/// tables, a change of two tables, a claim with FOR UPDATE SKIP LOCKED … RETURNING. Each is one
/// statement (its own transaction) on the NpgsqlDataSource, with positional parameters listed
/// here; the status literals come from the state machines (ADR 0001).
/// </summary>
internal static class ProofStatements
{
    /// <summary>
    /// Stores the proof, its screenshot and its place on the deposit (the deposit's proof count, and its
    /// move to <c>proof_submitted</c> when it was awaiting payment) in one statement, guarded there: the
    /// deposit is the user's, takes proofs (<see cref="DepositTransitions.TakingProofs"/>) and has fewer
    /// than the limit; this deposit has no proof under the Idempotency-Key; no live proof holds the
    /// transaction number. Returns one row: the verdict (<see cref="ProofInsertVerdict"/>) and the proof it
    /// names (the one stored, or the one stored earlier under the key), so nothing is read again.
    /// </summary>
    /// <remarks>
    /// The deposit's row is locked first (FOR NO KEY UPDATE: a proof's foreign key still takes its share),
    /// so concurrent uploads to one deposit take turns, and each reads the status and count the one
    /// before it left, never a count from before that one committed: the last slot is taken once. The
    /// key and number guards read the statement's snapshot; a concurrent request that stored either
    /// meanwhile is still refused by its unique index (ADR 0003), whose violation names it, and the
    /// whole statement, count included, is undone. Not ON CONFLICT DO NOTHING: two indexes may refuse and
    /// the answer depends on which.
    /// </remarks>
    public static readonly NamedStatement<ProofInsertInput> Insert = NamedStatement<ProofInsertInput>.Build(ProofInsertInput.Binders, p => $"""
        WITH deposit AS (
            SELECT d.id, d.status, d.proof_count FROM deposits d
            WHERE d.id = {p["deposit_id"]} AND d.label = {p["label"]}
            FOR NO KEY UPDATE
        ),
        earlier AS (
            SELECT {ProofRow.ColumnList} FROM proofs
            WHERE deposit_id = {p["deposit_id"]} AND idempotency_key = {p["idempotency_key"]}
        ),
        held AS (
            SELECT bool_or(deposit_id = {p["deposit_id"]}) AS here FROM proofs
            WHERE transaction_number = {p["transaction_number"]}::char(12) AND status <> {ProofTransitions.Sql(ProofStatus.Rejected)}
            HAVING count(*) > 0
        ),
        slot AS (
            UPDATE deposits d SET proof_count = d.proof_count + 1,
                status = CASE WHEN d.status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.SubmitProof)})
                    THEN {DepositTransitions.Moves.SqlTo(DepositMove.SubmitProof)} ELSE d.status END,
                updated_at = CASE WHEN d.status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.SubmitProof)})
                    THEN {p["created_at"]} ELSE d.updated_at END
            FROM deposit x
            WHERE d.id = x.id AND x.status IN ({SnakeCaseEnumConverter<DepositStatus>.SqlList(DepositTransitions.TakingProofs)})
                AND x.proof_count < {p["max_proofs"]}
                AND NOT EXISTS (SELECT 1 FROM earlier) AND NOT EXISTS (SELECT 1 FROM held)
            RETURNING d.id
        ),
        proof AS (
            INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status,
                attempts, attempt_limit, outcome_uncertain, next_attempt_at, idempotency_key, request_hash,
                screenshot_file_name, screenshot_content_type, screenshot_size, screenshot_sha256, created_at, updated_at)
            SELECT {p["id"]}, s.id, {p["label"]}, {p["custom_transaction_id"]}, {p["transaction_number"]}, {p["amount"]},
                {ProofTransitions.Sql(ProofStatus.Submitting)}, {p["attempts"]}, {p["attempt_limit"]}, false, {p["next_attempt_at"]},
                {p["idempotency_key"]}, {p["request_hash"]}, {p["screenshot_file_name"]}, {p["screenshot_content_type"]},
                {p["screenshot_size"]}, {p["screenshot_sha256"]}, {p["created_at"]}, {p["updated_at"]}
            FROM slot s
            RETURNING {ProofRow.ColumnList}
        ),
        screenshot AS (
            INSERT INTO proof_screenshots (proof_id, data) SELECT id, {p["screenshot"]} FROM proof
        )
        SELECT CASE
                WHEN EXISTS (SELECT 1 FROM proof) THEN {(int)ProofInsertVerdict.Stored}
                WHEN NOT EXISTS (SELECT 1 FROM deposit) THEN {(int)ProofInsertVerdict.DepositNotFound}
                WHEN EXISTS (SELECT 1 FROM earlier) THEN {(int)ProofInsertVerdict.StoredEarlier}
                WHEN (SELECT status FROM deposit) NOT IN ({SnakeCaseEnumConverter<DepositStatus>.SqlList(DepositTransitions.TakingProofs)})
                    THEN {(int)ProofInsertVerdict.DepositClosed}
                WHEN (SELECT proof_count FROM deposit) >= {p["max_proofs"]} THEN {(int)ProofInsertVerdict.TooManyProofs}
                WHEN (SELECT here FROM held) THEN {(int)ProofInsertVerdict.NumberHeldHere}
                ELSE {(int)ProofInsertVerdict.NumberHeldElsewhere}
            END AS verdict, r.*
        FROM (SELECT 1) AS one
        LEFT JOIN (SELECT * FROM proof UNION ALL SELECT * FROM earlier) AS r ON true
        """);

    /// <summary>
    /// The gateway took the proof: forwarded, and its deposit now waits for the postback, since now if it
    /// was not waiting yet (<c>proof_forwarded_at</c>: the attention list's "proof unconfirmed" starts
    /// there). A deposit that expired while its proof was queued keeps its status but is owed a postback
    /// all the same, so it gets the time too. Only the claimant of this attempt may record it: $1 proof id,
    /// $2 attempt number, $3 the gateway's message, $4 now, $5 whether this attempt's outcome was
    /// uncertain. Returns how many proofs moved (0 or 1).
    /// </summary>
    public static readonly string MarkForwarded = $"""
        WITH forwarded AS (
            UPDATE proofs SET status = {ProofTransitions.Moves.SqlTo(ProofMove.Forward)}, gateway_message = $3,
                forwarded_at = $4, outcome_uncertain = outcome_uncertain OR $5, next_attempt_at = NULL,
                last_error = NULL, updated_at = $4
            WHERE id = $1 AND status IN ({ProofTransitions.Moves.SqlFrom(ProofMove.Forward)}) AND attempts = $2
            RETURNING deposit_id
        ),
        pending AS (
            UPDATE deposits d SET status = {DepositTransitions.Moves.SqlTo(DepositMove.ForwardProof)}, updated_at = $4,
                proof_forwarded_at = COALESCE(d.proof_forwarded_at, $4)
            FROM forwarded f
            WHERE d.id = f.deposit_id AND d.status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.ForwardProof)})
        ),
        late AS (
            UPDATE deposits d SET proof_forwarded_at = $4
            FROM forwarded f
            WHERE d.id = f.deposit_id AND d.status = {DepositTransitions.Sql(DepositStatus.Expired)} AND d.proof_forwarded_at IS NULL
        )
        SELECT count(*)::int FROM forwarded
        """;

    /// <summary>
    /// The gateway refused the claimed attempt: the proof is rejected and its <c>proof.rejected</c> event
    /// written, in one statement. $1 proof id, $2 attempt number, $3 the gateway's message, $4 now.
    /// Returns how many proofs moved (0 or 1).
    /// </summary>
    public static readonly string MarkRejected = $"""
        WITH rejected AS (
            UPDATE proofs SET status = {ProofTransitions.Moves.SqlTo(ProofMove.Reject)}, gateway_message = $3,
                next_attempt_at = NULL, updated_at = $4
            WHERE id = $1 AND status = {ProofTransitions.Moves.SqlFrom(ProofMove.Reject)} AND attempts = $2
            RETURNING *
        ),
        {Events.EventStatements.Emit("proof_events", $"""
            SELECT '{Events.EventTypes.ProofRejected}', r.id, '{Events.EventTypes.ProofRejected}:' || r.id,
                {Events.EventStatements.ProofData("r")}, $4::timestamptz
            FROM rejected r
            """)}
        SELECT count(*)::int FROM rejected
        """;

    /// <summary>
    /// Claims due proofs for delivery: $1 now, $2 lease end, $3 batch size. Returns their ids; a
    /// lapsed lease (still submitting) means the last attempt's outcome is unknown, which it records.
    /// The inner guard is the filter of the index on next_attempt_at, which serves it.
    /// </summary>
    public static readonly string ClaimDue = $"""
        UPDATE proofs AS p
        SET status = {ProofTransitions.Moves.SqlTo(ProofMove.Claim)}, attempts = p.attempts + 1, next_attempt_at = $2,
            updated_at = $1, outcome_uncertain = p.outcome_uncertain OR p.status = {ProofTransitions.Sql(ProofStatus.Submitting)}
        FROM (SELECT id FROM proofs
              WHERE status IN ({ProofTransitions.Moves.SqlFrom(ProofMove.Claim)}) AND next_attempt_at <= $1
              ORDER BY next_attempt_at
              LIMIT $3
              FOR UPDATE SKIP LOCKED) AS due
        WHERE p.id = due.id
        RETURNING p.id
        """;

    /// <summary>
    /// Ops send a failed proof again, with a fresh allowance of attempts, due at once, and record who and
    /// why. $1 id, $2 actor, $3 extra attempts, $4 now, $5 reason. Returns the id when it moved.
    /// </summary>
    public static readonly string Requeue = $"""
        WITH requeued AS (
            UPDATE proofs SET status = {ProofTransitions.Moves.SqlTo(ProofMove.Requeue)}, attempt_limit = attempts + $3,
                next_attempt_at = $4, updated_at = $4
            WHERE id = $1 AND status IN ({ProofTransitions.Moves.SqlFrom(ProofMove.Requeue)})
            RETURNING id
        ),
        {OpsAudit.Record("audited", OpsActionType.ProofRetry, "requeued", "$2", "$5", "$4")}
        SELECT id FROM requeued
        """;

    /// <summary>A proof's screenshot, $1 proof id: read on the data source so that it can be streamed.</summary>
    public const string ReadScreenshot = "SELECT data FROM proof_screenshots WHERE proof_id = $1";
}

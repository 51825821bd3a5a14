using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Dispatching;
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
    private static readonly string Forwarded = ProofTransitions.Attempt.Sql(AttemptResult.Delivered);
    private static readonly string Rejected = ProofTransitions.Attempt.Sql(AttemptResult.Refused);

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
    /// What the claimed attempt came to, in one statement (ADR 0020): the proof moves to the status of its
    /// result (<see cref="ProofTransitions.Attempt"/>), only while this attempt still holds it (the fence).
    /// Forwarded: the gateway's message, <c>forwarded_at</c>, and the deposit now waits for the postback,
    /// since now if it was not waiting yet (<c>proof_forwarded_at</c>: the attention list's "proof
    /// unconfirmed" starts there; a deposit that expired while its proof was queued keeps its status but
    /// is owed a postback all the same, so it gets the time too); and the gateway answering again means
    /// queued proofs need not sit out the rest of their back-off. Rejected: the gateway's message and the
    /// <c>proof.rejected</c> event. Queued or failed: the error and the next attempt's time. The
    /// dispatcher's variant returns how many proofs moved (0 or 1); the upload's returns the moved proof's
    /// row (none when fenced out), which it answers with (as payouts do, ADR 0025).
    /// </summary>
    private static readonly (NamedStatement<AttemptRecord> Counting, NamedStatement<AttemptRecord> Returning) Recording =
        AttemptRecord.Statements(p => $"""
        WITH moved AS (
            UPDATE proofs SET status = {p["status"]},
                gateway_message = CASE WHEN {p["status"]} IN ({Forwarded}, {Rejected}) THEN {p["message"]} ELSE gateway_message END,
                forwarded_at = CASE WHEN {p["status"]} = {Forwarded} THEN {p["now"]} ELSE forwarded_at END,
                last_error = CASE WHEN {p["status"]} = {Rejected} THEN last_error ELSE {p["error"]} END,
                outcome_uncertain = outcome_uncertain OR {p["uncertain"]}, next_attempt_at = {p["next_attempt_at"]}, updated_at = {p["now"]}
            WHERE {AttemptRecord.Fence(p, ProofTransitions.Attempt.SqlClaimed)}
            RETURNING *
        ),
        pending AS (
            UPDATE deposits d SET status = {DepositTransitions.Moves.SqlTo(DepositMove.ForwardProof)}, updated_at = {p["now"]},
                proof_forwarded_at = COALESCE(d.proof_forwarded_at, {p["now"]})
            FROM moved f
            WHERE f.status = {Forwarded} AND d.id = f.deposit_id AND d.status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.ForwardProof)})
        ),
        late AS (
            UPDATE deposits d SET proof_forwarded_at = {p["now"]}
            FROM moved f
            WHERE f.status = {Forwarded} AND d.id = f.deposit_id AND d.status = {DepositTransitions.Sql(DepositStatus.Expired)}
                AND d.proof_forwarded_at IS NULL
        ),
        pulled AS (
            UPDATE proofs SET next_attempt_at = {p["now"]}
            WHERE status = {ProofTransitions.Moves.SqlTo(ProofMove.Queue)} AND next_attempt_at > {p["now"]}
                AND EXISTS (SELECT 1 FROM moved WHERE status = {Forwarded})
        ),
        {Events.EventStatements.Emit("proof_events", $"""
            SELECT '{Events.EventTypes.ProofRejected}', r.id, '{Events.EventTypes.ProofRejected}:' || r.id,
                {Events.EventStatements.ProofData("r")}, {p["now"]}::timestamptz
            FROM moved r
            WHERE r.status = {Rejected}
            """)}
        """, ProofRow.ColumnList);

    /// <summary>The dispatcher's recording: returns how many proofs moved.</summary>
    public static readonly NamedStatement<AttemptRecord> RecordAttempt = Recording.Counting;

    /// <summary>The same recording for the upload that made the first attempt: returns the moved proof's row.</summary>
    public static readonly NamedStatement<AttemptRecord> RecordAttemptReturning = Recording.Returning;

    /// <summary>
    /// Claims due proofs for delivery (<see cref="ClaimStatement"/>), returning what the attempt needs. A
    /// lapsed lease (still submitting) means the last attempt's outcome is unknown, which it records. The
    /// inner guard is the filter of the index on next_attempt_at, which serves it.
    /// </summary>
    public static readonly NamedStatement<ClaimInput> ClaimDue = ClaimStatement.Build("proofs",
        ProofTransitions.Moves.SqlTo(ProofMove.Claim), ProofTransitions.Moves.SqlFrom(ProofMove.Claim),
        p => $", updated_at = {p["now"]}, outcome_uncertain = x.outcome_uncertain OR x.status = {ProofTransitions.Sql(ProofStatus.Submitting)}",
        _ => ClaimedProof.Columns);

    /// <summary>The proof queue's statements, for Dispatching.</summary>
    public static readonly DispatchStatements<ClaimedProof> Dispatch =
        new(ClaimDue, RecordAttempt, ClaimedProof.Read, ProofTransitions.Attempt.Text, RecordAttemptReturning);

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

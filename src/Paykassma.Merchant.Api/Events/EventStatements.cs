namespace Paykassma.Merchant.Api.Events;

/// <summary>
/// The outbox in SQL. <see cref="Emit"/> is a CTE that the statement making a change includes, so
/// the event is written in that statement's own transaction (no second round trip), and only when
/// the change really happened (its source is the change's RETURNING). The <c>data</c> object of each
/// subject is built from its field list in <see cref="EventData"/>, so every event about a deposit (or
/// payout, or proof) has the same shape, the one the OpenAPI document states. The rest are the
/// delivery's claim and outcome statements (ADR 0012).
/// </summary>
internal static class EventStatements
{
    /// <summary>
    /// A CTE named <paramref name="name"/> inserting one event per row of <paramref name="select"/>,
    /// whose columns are (type, subject_id, dedupe_key, data, at). The dedupe key is unique: the same
    /// change seen twice (two concurrent postbacks for one deposit) emits one event.
    /// </summary>
    /// <remarks>
    /// Ids are UUIDv7 from the event's time (48 bits of milliseconds, version 7, the rest of a random
    /// UUID): a random id lands on a random leaf of the primary key, one more page to read and
    /// dirty per event on the postback's path (bench/README.md); time-ordered ids append to the last.
    /// </remarks>
    public static string Emit(string name, string select) => $"""
        {name} AS (
            INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
            SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, {EventTransitions.Sql(EventTransitions.Emitted)}, 0, e.at, e.at
            FROM ({select}) AS e(type, subject_id, dedupe_key, data, at)
            ON CONFLICT (dedupe_key) DO NOTHING
        )
        """;

    /// <summary>The data of a deposit event, from a row of <c>deposits</c> (or a RETURNING with its columns) named <paramref name="d"/>.</summary>
    public static string DepositData(string d) => EventData.Sql(EventData.Deposit, d);

    /// <summary>The data of a payout event, from a row of <c>payouts</c> named <paramref name="p"/>.</summary>
    public static string PayoutData(string p) => EventData.Sql(EventData.Payout, p);

    /// <summary>The data of a proof event, from a row of <c>proofs</c> named <paramref name="p"/> (its currency is its deposit's).</summary>
    public static string ProofData(string p) => EventData.Sql(EventData.Proof, p);

    // Claims due events: $1 now, $2 lease end, $3 batch size. The inner guard is ix_outbox_events_due's filter.
    public static readonly string ClaimDue = $"""
        UPDATE outbox_events AS e
        SET status = {EventTransitions.Moves.SqlTo(EventMove.Claim)}, attempts = e.attempts + 1, next_attempt_at = $2
        FROM (SELECT id FROM outbox_events
              WHERE status IN ({EventTransitions.Moves.SqlFrom(EventMove.Claim)}) AND next_attempt_at <= $1
              ORDER BY next_attempt_at
              LIMIT $3
              FOR UPDATE SKIP LOCKED) AS due
        WHERE e.id = due.id
        RETURNING e.id
        """;

    /// <summary>
    /// What the claimed attempt came to: $1 id, $2 attempt, $3 new status (the target of one of
    /// <see cref="EventTransitions.AttemptOutcomes"/>, which all start from delivering),
    /// $4 error, $5 next attempt, $6 now. Only the claimant of this attempt may write it. A give-up is
    /// timed (<c>failed_at</c>): the attention list's entry starts there, and a failure after a
    /// redelivery is a new one.
    /// </summary>
    public static readonly string RecordAttempt = $"""
        UPDATE outbox_events
        SET status = $3, last_error = $4, next_attempt_at = $5,
            delivered_at = CASE WHEN $3 = {EventTransitions.Moves.SqlTo(EventMove.Deliver)} THEN $6 ELSE delivered_at END,
            failed_at = CASE WHEN $3 = {EventTransitions.Moves.SqlTo(EventMove.GiveUp)} THEN $6 ELSE failed_at END
        WHERE id = $1 AND attempts = $2 AND status = {EventTransitions.Sql(EventTransitions.Moves.SharedFrom(EventTransitions.AttemptOutcomes))}
        """;

    /// <summary>
    /// Ops: send a failed or delivered event again, with a fresh allowance of attempts, recorded with who
    /// (and why, if said) and the event's type. $1 id, $2 now, $3 actor, $4 reason. Returns the id when it moved.
    /// </summary>
    public static readonly string Redeliver = $"""
        WITH redelivered AS (
            UPDATE outbox_events SET status = {EventTransitions.Moves.SqlTo(EventMove.Redeliver)}, attempts = 0, next_attempt_at = $2, last_error = NULL
            WHERE id = $1 AND status IN ({EventTransitions.Moves.SqlFrom(EventMove.Redeliver)})
            RETURNING id, type
        ),
        {Ops.OpsAudit.Record("audited", Ops.OpsActionType.EventRedeliver, "redelivered", "$3", "$4", "$2", "jsonb_build_object('type', c.type)")}
        SELECT id FROM redelivered
        """;
}

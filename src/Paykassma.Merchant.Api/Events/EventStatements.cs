using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Persistence;

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

    /// <summary>
    /// Claims due events (<see cref="ClaimStatement"/>), returning what the attempt sends and the attempt
    /// budget, <c>attempt_limit</c> bound from Events:Dispatcher:MaxAttempts (ADR 0020). The inner guard
    /// is ix_outbox_events_due's filter.
    /// </summary>
    public static readonly NamedStatement<ClaimInput> ClaimDue = ClaimStatement.Build("outbox_events",
        EventTransitions.Moves.SqlTo(EventMove.Claim), EventTransitions.Moves.SqlFrom(EventMove.Claim),
        _ => "", p => ClaimedEvent.Columns(p["attempt_limit"]));

    /// <summary>
    /// What the claimed attempt came to, fenced by the attempt (ADR 0020): the event moves to the status of
    /// its result (<see cref="EventTransitions.Attempt"/>). A give-up is timed (<c>failed_at</c>): the
    /// attention list's entry starts there, and a failure after a redelivery is a new one. Returns how
    /// many events moved (0 or 1).
    /// </summary>
    public static readonly NamedStatement<AttemptRecord> RecordAttempt = AttemptRecord.Statement(p => $"""
        WITH moved AS (
            UPDATE outbox_events
            SET status = {p["status"]}, last_error = {p["error"]}, next_attempt_at = {p["next_attempt_at"]},
                delivered_at = CASE WHEN {p["status"]} = {EventTransitions.Attempt.Sql(AttemptResult.Delivered)} THEN {p["now"]} ELSE delivered_at END,
                failed_at = CASE WHEN {p["status"]} = {EventTransitions.Attempt.Sql(AttemptResult.GiveUp)} THEN {p["now"]} ELSE failed_at END
            WHERE {AttemptRecord.Fence(p, EventTransitions.Attempt.SqlClaimed)}
            RETURNING id
        )
        SELECT count(*)::int FROM moved
        """);

    /// <summary>The event queue's statements, for Dispatching; the budget is the options' MaxAttempts.</summary>
    public static readonly DispatchStatements<ClaimedEvent> Dispatch =
        new(ClaimDue, RecordAttempt, ClaimedEvent.Read, EventTransitions.Attempt.Text, AttemptLimit: settings => settings.MaxAttempts);

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

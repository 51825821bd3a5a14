using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using static Paykassma.Merchant.Api.Persistence.Bound;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>Everything one postback statement is bound from: the postback's row, its signed items, the settings they are judged by.</summary>
internal sealed record PostbackStatementInput
{
    public required Guid PostbackId { get; init; }

    public string? Label { get; init; }

    public IReadOnlyList<TransactionRow> Rows { get; init; } = [];

    /// <summary>The one-item form binds each column as a scalar, any other as an array.</summary>
    public bool ItemsAsScalars { get; init; }

    public string? Discrepancies { get; init; }

    public required DateTimeOffset Now { get; init; }

    public PayoutOptions Payouts { get; init; } = new();

    /// <summary>The postback as it arrived; null when only its stored row is updated (reverify).</summary>
    public IncomingPostback? Postback { get; init; }

    public ReadOnlyMemory<byte> Body { get; init; }

    public bool BodyTruncated { get; init; }

    public string? VerifiedWith { get; init; }

    public int DuplicateBodyBytesKept { get; init; }

    public PostbackOutcome Outcome { get; init; }

    public string? RejectReason { get; init; }

    public string? RejectDetail { get; init; }

    private IncomingPostback Arrived => Postback ?? throw new InvalidOperationException("This statement needs the postback as it arrived.");

    /// <summary>Every name a postback statement may use, and how it is bound.</summary>
    public static readonly IReadOnlyDictionary<string, Func<PostbackStatementInput, NpgsqlParameter>> Binders =
        new Dictionary<string, Func<PostbackStatementInput, NpgsqlParameter>>
        {
            ["postback_id"] = x => Value(x.PostbackId),
            ["label"] = x => Text(x.Label, ColumnLimits.GatewayText),
            ["now"] = x => Value(x.Now),
            ["discrepancies"] = x => OrNull(x.Discrepancies, NpgsqlDbType.Jsonb),
            ["paid_statuses"] = x => OrNull(x.Payouts.PaidStatuses, NpgsqlDbType.Array | NpgsqlDbType.Integer),
            ["cancelled_statuses"] = x => OrNull(x.Payouts.CancelledStatuses, NpgsqlDbType.Array | NpgsqlDbType.Integer),
            ["received_at"] = x => Value(x.Arrived.ReceivedAt),
            ["body"] = x => Bytes(x.Body),
            ["body_length"] = x => Value(x.Arrived.BodyLength),
            ["body_truncated"] = x => Value(x.BodyTruncated),
            ["body_sha256"] = x => Value(x.Arrived.BodySha256),
            ["remote_ip"] = x => Text(x.Arrived.RemoteIp, ColumnLimits.RemoteIp),
            ["verified_with"] = x => Text(x.VerifiedWith, ColumnLimits.KeyName),
            ["format"] = x => Text(x.Arrived.Format, ColumnLimits.Format),
            ["signature"] = x => Text(x.Arrived.Signature, ColumnLimits.Signature),
            ["access_key"] = x => Text(x.Arrived.AccessKey, ColumnLimits.GatewayText),
            ["direction"] = x => Text(x.Arrived.Direction, ColumnLimits.Direction),
            ["amount"] = x => Text(x.Arrived.Amount, ColumnLimits.AmountText),
            ["transaction_ids"] = x => OrNull(
                x.Arrived.TransactionIds.Take(100).Select(id => ColumnText.Fit(id, ColumnLimits.GatewayText)!).ToArray(),
                NpgsqlDbType.Array | NpgsqlDbType.Text),
            ["signed_sha256"] = x => Text(x.Arrived.SignedSha256, ColumnLimits.Sha256Hex),
            ["duplicate_body_bytes"] = x => Value(x.DuplicateBodyBytesKept),
            ["outcome"] = x => Value(SnakeCaseEnumConverter<PostbackOutcome>.ToText(x.Outcome)),
            ["reject_reason"] = x => Text(x.RejectReason, ColumnLimits.ReasonCode),
            ["reject_detail"] = x => Text(x.RejectDetail, ColumnLimits.RejectDetail),
        }
        .Concat(SignedItemColumns.All.Select(c => KeyValuePair.Create(
            SignedItemColumns.ParameterName(c),
            (Func<PostbackStatementInput, NpgsqlParameter>)(x => x.ItemsAsScalars ? c.Scalar(x.Rows[0]) : c.Array(x.Rows)))))
        .ToDictionary();
}

/// <summary>A statement's text and its parameters, numbered by name.</summary>
internal sealed record PostbackStatement(string Text, StatementParameters<PostbackStatementInput> Parameters)
{
    public static PostbackStatement Build(Func<StatementParameters<PostbackStatementInput>, string> text)
    {
        var parameters = new StatementParameters<PostbackStatementInput>(PostbackStatementInput.Binders);
        return new PostbackStatement(text(parameters), parameters);
    }

    public NpgsqlCommand Command(NpgsqlConnection connection, PostbackStatementInput input, NpgsqlTransaction? transaction = null)
    {
        var command = new NpgsqlCommand(Text, connection, transaction);
        Parameters.Bind(command.Parameters, input);
        return command;
    }
}

internal static partial class PostbackStatements
{
    private static readonly string Accepted = PostbackTransitions.Moves.SqlTo(PostbackMove.Accept);
    private static readonly string Duplicate = PostbackTransitions.Moves.SqlTo(PostbackMove.Repeat);
    private static readonly string Reverified = PostbackTransitions.Moves.SqlTo(PostbackMove.Reverify);
    private static readonly string RepeatedOnReverify = PostbackTransitions.Moves.SqlTo(PostbackMove.RepeatOnReverify);

    // Duplicate when it carried items and none was new. With no items at all there is nothing to
    // decide by, so its signed value is: seen before, it is a duplicate.
    private static string Outcome(StatementParameters<PostbackStatementInput> p) => $"""
        CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN {Accepted}
             WHEN EXISTS (SELECT 1 FROM incoming) THEN {Duplicate}
             WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = {p["signed_sha256"]} AND s.transaction_count = 0
                          AND s.outcome IN ({Accepted}, {Duplicate})) THEN {Duplicate}
             ELSE {Accepted} END
        """;

    private static string Discrepancies(StatementParameters<PostbackStatementInput> p) => $"""
        NULLIF(COALESCE({p["discrepancies"]}::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb)
        """;

    // What the caller learns: the outcome, how many items were new, how many deposits were confirmed,
    // the reasons of the new items that apply nothing (for the metric and the log), payouts settled,
    // and the stored postback a replay was counted on.
    private static readonly string Results = $"""
        (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
        ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
        (SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Pay)}),
        (SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Cancel)}),
        (SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL)
        """;

    /// <summary>
    /// A verified postback's own row, after its items. A replay (every item already stored, and the
    /// same signed content as the postback that first brought them) adds no row: the stored postback
    /// counts it (<c>postback_repeats</c>, one small row however many replays), so a replayed genuine
    /// postback costs a counter, not a kilobyte. Any other duplicate keeps only the first bytes of its
    /// body (the accepted original holds the evidence). The foreign key from gateway_transactions to the
    /// postback is checked at the end of the statement, so the row may come last.
    /// </summary>
    private static string StorePostback(StatementParameters<PostbackStatementInput> p) => $"""
        ,
        decision AS (SELECT {Outcome(p)} AS outcome),
        original AS (
            SELECT s.id FROM postbacks s
            WHERE s.id = (SELECT g.postback_id FROM gateway_transactions g
                          WHERE g.fact_key = (SELECT fact_key FROM incoming ORDER BY ord LIMIT 1))
              AND s.signed_sha256 = {p["signed_sha256"]}
            UNION ALL
            SELECT s.id FROM postbacks s
            WHERE NOT EXISTS (SELECT 1 FROM incoming) AND s.signed_sha256 = {p["signed_sha256"]} AND s.transaction_count = 0
              AND s.outcome IN ({Accepted}, {Duplicate})
            LIMIT 1
        ),
        repeated AS (
            INSERT INTO postback_repeats AS r (postback_id, repeats, first_repeated_at, last_repeated_at, last_remote_ip,
                discrepant_repeats, last_discrepancies)
            SELECT o.id, 1, {p["received_at"]}, {p["received_at"]}, {p["remote_ip"]}, CASE WHEN x.found IS NULL THEN 0 ELSE 1 END, x.found
            FROM decision v
            CROSS JOIN LATERAL (SELECT id FROM original WHERE v.outcome = {Duplicate}) o
            CROSS JOIN (SELECT {Discrepancies(p)} AS found) x
            ON CONFLICT (postback_id) DO UPDATE SET repeats = r.repeats + 1, last_repeated_at = EXCLUDED.last_repeated_at,
                last_remote_ip = EXCLUDED.last_remote_ip, discrepant_repeats = r.discrepant_repeats + EXCLUDED.discrepant_repeats,
                last_discrepancies = COALESCE(EXCLUDED.last_discrepancies, r.last_discrepancies)
            RETURNING postback_id
        ),
        stored AS (
            INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
                reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
                transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
            SELECT {p["postback_id"]}, {p["received_at"]},
                CASE WHEN v.outcome = {Duplicate} THEN substring({p["body"]} FROM 1 FOR {p["duplicate_body_bytes"]}) ELSE {p["body"]} END,
                {p["body_length"]}, {p["body_truncated"]} OR (v.outcome = {Duplicate} AND octet_length({p["body"]}) > {p["duplicate_body_bytes"]}),
                {p["body_sha256"]}, {p["remote_ip"]}, v.outcome, NULL, NULL, {p["verified_with"]}, {p["format"]}, {p["signature"]},
                {p["access_key"]}, {p["direction"]}, {p["amount"]}, {p["label"]}, {p["transaction_ids"]},
                (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), {Discrepancies(p)}, {p["signed_sha256"]}
            FROM decision v
            WHERE NOT EXISTS (SELECT 1 FROM repeated)
            RETURNING id
        )
        SELECT v.outcome, {Results}, (SELECT postback_id FROM repeated)
        FROM decision v
        """;

    // A stored rejected or held postback that now verifies (ops reverify): its row exists and is updated.
    private static string UpdateReverifiedPostback(StatementParameters<PostbackStatementInput> p) => $"""
        ,
        reverified AS (
            UPDATE postbacks
            SET outcome = CASE WHEN EXISTS (SELECT 1 FROM inserted) OR NOT EXISTS (SELECT 1 FROM incoming)
                               THEN {Reverified} ELSE {RepeatedOnReverify} END,
                transaction_count = (SELECT count(*) FROM incoming),
                new_transaction_count = (SELECT count(*) FROM inserted),
                discrepancies = {Discrepancies(p)}
            WHERE id = {p["postback_id"]}
            RETURNING outcome
        )
        SELECT r.outcome, {Results}, NULL::uuid
        FROM reverified r
        """;

    /// <summary>Any mix of items; <see cref="For"/> picks the smallest statement for the items at hand.</summary>
    public static readonly PostbackStatement StoreOne =
        PostbackStatement.Build(p => ApplyItems(p, SignedItemColumns.SelectOne(p), ItemDirections.Both) + StorePostback(p));

    public static readonly PostbackStatement StoreMany =
        PostbackStatement.Build(p => ApplyItems(p, SignedItemColumns.SelectMany(p), ItemDirections.Both) + StorePostback(p));

    public static readonly PostbackStatement StoreOneIngoing =
        PostbackStatement.Build(p => ApplyItems(p, SignedItemColumns.SelectOne(p), ItemDirections.Ingoing) + StorePostback(p));

    public static readonly PostbackStatement StoreManyIngoing =
        PostbackStatement.Build(p => ApplyItems(p, SignedItemColumns.SelectMany(p), ItemDirections.Ingoing) + StorePostback(p));

    public static readonly PostbackStatement StoreOneOutgoing =
        PostbackStatement.Build(p => ApplyItems(p, SignedItemColumns.SelectOne(p), ItemDirections.Outgoing) + StorePostback(p));

    public static readonly PostbackStatement StoreManyOutgoing =
        PostbackStatement.Build(p => ApplyItems(p, SignedItemColumns.SelectMany(p), ItemDirections.Outgoing) + StorePostback(p));

    public static readonly PostbackStatement Reverify =
        PostbackStatement.Build(p => ApplyItems(p, SignedItemColumns.SelectMany(p), ItemDirections.Both) + UpdateReverifiedPostback(p));

    /// <summary>
    /// A postback that was not applied: rejected (kept with its reason, its body cut to an excerpt)
    /// or held (verified, but the statement above failed: kept whole).
    /// </summary>
    public static readonly PostbackStatement InsertUnapplied = PostbackStatement.Build(p => $"""
        INSERT INTO postbacks (id, label, outcome, reject_reason, reject_detail, received_at, body, body_length,
            body_truncated, body_sha256, remote_ip, verified_with, format, signature, access_key, direction, amount,
            transaction_ids, signed_sha256, transaction_count, new_transaction_count)
        VALUES ({p["postback_id"]}, {p["label"]}, {p["outcome"]}, {p["reject_reason"]}, {p["reject_detail"]}, {p["received_at"]},
            {p["body"]}, {p["body_length"]}, {p["body_truncated"]}, {p["body_sha256"]}, {p["remote_ip"]}, {p["verified_with"]},
            {p["format"]}, {p["signature"]}, {p["access_key"]}, {p["direction"]}, {p["amount"]}, {p["transaction_ids"]},
            {p["signed_sha256"]}, cardinality({p["transaction_ids"]}::text[]), 0)
        """);

    /// <summary>
    /// One batch of the retention job: rejected and duplicate postbacks received before $1, at most $2,
    /// claimed with SKIP LOCKED so that instances share the work. Such a postback brings no stored
    /// fact (only the postback that inserted one is named by it); the NOT EXISTS keeps it should that
    /// ever change, so no retention deletes the only signed copy of a fact. A replay adds no row, so
    /// nothing of a genuine postback's repeats is left to delete but its counter, which goes with it.
    /// </summary>
    public static readonly string DeleteExpired = $"""
        DELETE FROM postbacks
        WHERE id IN (SELECT p.id FROM postbacks p
                     WHERE p.outcome IN ({PostbackTransitions.Moves.SqlToAny(PostbackMove.Reject, PostbackMove.Repeat)})
                       AND p.received_at < $1
                       AND NOT EXISTS (SELECT 1 FROM gateway_transactions g WHERE g.postback_id = p.id)
                     ORDER BY p.received_at
                     LIMIT $2
                     FOR UPDATE SKIP LOCKED)
        """;
}

using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>
/// The deposit feature's writes that EF Core's ExecuteUpdate cannot express: inserts, ON CONFLICT and
/// a multi-table change, each one statement (its own transaction) on the NpgsqlDataSource, with
/// its parameters named (the inserts) or listed here (ADR 0001).
/// </summary>
internal static class DepositStatements
{
    private const string DepositColumns = """
        INSERT INTO deposits (id, label, status, currency, wallet_type, amount, wallet_number, account_name,
            is_check_amount, gateway_params, amount_mismatch, confirmed_after_expiry, created_at, updated_at, custom_transaction_id)
        """;

    private static string DepositValues(StatementParameters<DepositInsertInput> p) =>
        $"{p["id"]}, {p["label"]}, {p["status"]}, {p["currency"]}, {p["wallet_type"]}, {p["amount"]}, {p["wallet_number"]}, "
        + $"{p["account_name"]}, {p["is_check_amount"]}, {p["gateway_params"]}, false, false, {p["now"]}, {p["now"]}, {p["custom_transaction_id"]}";

    /// <summary>A deposit without an Idempotency-Key: one INSERT, its own commit.</summary>
    public static readonly NamedStatement<DepositInsertInput> Insert = NamedStatement<DepositInsertInput>.Build(DepositInsertInput.Binders, p => $"""
        {DepositColumns}
        VALUES ({DepositValues(p)})
        """);

    /// <summary>
    /// A deposit with a key, and the key's completion, committed together or not at all: the row is
    /// inserted only if this request still holds the key. No row means our lease had lapsed and
    /// another request completed the key first. The key's foreign key to the new deposit is checked
    /// at the end of the statement, when the deposit exists.
    /// </summary>
    public static readonly NamedStatement<DepositInsertInput> InsertCompletingKey = NamedStatement<DepositInsertInput>.Build(DepositInsertInput.Binders, p => $"""
        WITH completed AS (
            UPDATE deposit_idempotency_keys SET deposit_id = {p["id"]}
            WHERE label = {p["label"]} AND key = {p["idempotency_key"]} AND deposit_id IS NULL
            RETURNING key
        )
        {DepositColumns}
        SELECT {DepositValues(p)} FROM completed
        """);

    /// <summary>
    /// Claims a key for this request, or reads whose it is: $1 label, $2 key, $3 request fingerprint,
    /// $4 lease end, $5 now. The primary key decides between racing requests. One row: whether the claim
    /// is ours, and otherwise the key's fingerprint, lease and deposit as this statement's snapshot has
    /// them (none when a racing claimant committed after it began: the caller looks again).
    /// </summary>
    public const string ClaimKey = """
        WITH claimed AS (
            INSERT INTO deposit_idempotency_keys (label, key, request_hash, locked_until, created_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (label, key) DO NOTHING
            RETURNING key
        )
        SELECT EXISTS (SELECT 1 FROM claimed), k.request_hash, k.locked_until, k.deposit_id
        FROM (SELECT 1) AS one
        LEFT JOIN deposit_idempotency_keys k ON k.label = $1 AND k.key = $2 AND NOT EXISTS (SELECT 1 FROM claimed)
        """;

    /// <summary>
    /// Expires up to a batch of due deposits: $1 now, $2 created before, $3 batch size. The status is
    /// checked again on the locked row, so a confirmation that lands first wins. The inner guard is
    /// the filter of <c>ix_deposits_unconfirmed_created_at</c>, which serves it. Each expiry writes its
    /// <c>deposit.expired</c> event in the same statement. Returns how many expired.
    /// </summary>
    public static readonly string Expire = $"""
        WITH expired AS (
            UPDATE deposits SET status = {DepositTransitions.Moves.SqlTo(DepositMove.Expire)}, expired_at = $1, updated_at = $1
            WHERE id IN (SELECT id FROM deposits
                         WHERE status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.Expire)}) AND created_at < $2
                         ORDER BY created_at
                         LIMIT $3
                         FOR UPDATE SKIP LOCKED)
              AND status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.Expire)})
            RETURNING *
        ),
        {Events.EventStatements.Emit("expired_events", $"""
            SELECT '{Events.EventTypes.DepositExpired}', x.id, '{Events.EventTypes.DepositExpired}:' || x.id, {Events.EventStatements.DepositData("x")}, $1::timestamptz
            FROM expired x
            """)}
        SELECT count(*)::int FROM expired
        """;
}

using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>What a received postback is, before it is stored.</summary>
public sealed record IncomingPostback(
    Guid Id,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> Body,
    int BodyLength,
    bool BodyTruncated,
    string BodySha256,
    string? RemoteIp,
    string? Format,
    string? Signature,
    string? AccessKey,
    string? Direction,
    string? Amount,
    string? Label,
    string[] TransactionIds);

public sealed record StoredPostback(PostbackOutcome Outcome, int NewTransactions, int ConfirmedDeposits);

/// <summary>
/// The postback tables, written with hand-written SQL: this is the hot path of the service and the
/// place where "stored once" and "ok means committed" are decided, so every step is visible here.
/// </summary>
public sealed class PostbackStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>
    /// One transaction: the postback row, each signed transaction inserted at most once (the unique
    /// key decides, ON CONFLICT DO NOTHING, never check-then-insert), the matched deposits confirmed
    /// (only by the postback that inserted the transaction, so a redelivery cannot credit twice),
    /// and the postback's outcome. Returns only after COMMIT: the caller may then answer ok.
    /// </summary>
    public Task<StoredPostback> StoreVerifiedAsync(
        IncomingPostback postback, string verifiedWith, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        CancellationToken cancellationToken) =>
        OnFreshConnectionIfBrokenAsync(() => StoreVerifiedOnceAsync(postback, verifiedWith, rows, discrepancies, cancellationToken));

    private async Task<StoredPostback> StoreVerifiedOnceAsync(
        IncomingPostback postback, string verifiedWith, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        CancellationToken cancellationToken)
    {
        // One statement, so one round trip and its own transaction: PostgreSQL commits it (durably)
        // before it says ReadyForQuery, and ReadOutcomeAsync reads up to that point before returning.
        // The postback row is inserted once with its final outcome (the data-modifying CTEs run first;
        // the foreign key from gateway_transactions is checked at the end of the statement), rather
        // than inserted and then updated, which rewrote the row and all four of its indexes.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var one = rows.Count == 1;
        await using var command = new NpgsqlCommand(one ? StoreOneSql : StoreManySql, connection);
        AddApplyParameters(command.Parameters, postback.Id, postback.Label, rows, discrepancies, scalars: one);
        AddPostbackParameters(command.Parameters, postback, verifiedWith);
        // Prepared once per pooled connection (later calls find it and cost nothing): planning this
        // statement took longer than running it. The one-transaction form has only scalar
        // parameters, so its generic plan is as good as a custom one and PostgreSQL stops replanning.
        await command.PrepareAsync(cancellationToken);
        return await ReadOutcomeAsync(command, cancellationToken);
    }

    /// <summary>A postback that was not accepted, kept with its reason for ops (and for reverify).</summary>
    public Task StoreRejectedAsync(IncomingPostback postback, string reason, string? detail, CancellationToken cancellationToken) =>
        OnFreshConnectionIfBrokenAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = InsertRejectedCommand(connection, postback, reason, detail);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        });

    /// <summary>
    /// After PostgreSQL restarts, the pool's idle connections are dead but look alive until used.
    /// When one fails before anything was committed, the pool is emptied and the work runs once more
    /// on a new connection, so the gateway's first resend after an outage is accepted. (A failure at
    /// COMMIT is not retried here: the gateway's own resend settles it, as a duplicate if it landed.)
    /// </summary>
    private async Task<T> OnFreshConnectionIfBrokenAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (NpgsqlException ex) when (ex.IsTransient && ex is not PostgresException)
        {
            dataSource.Clear();
            return await work();
        }
    }

    /// <summary>
    /// Ops re-verification of a stored rejected postback that now verifies: it becomes accepted (or
    /// duplicate) and its transactions are applied, exactly as if it had just arrived.
    /// </summary>
    public async Task<StoredPostback?> ApplyReverifiedAsync(
        Guid postbackId, string? label, string verifiedWith, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand("""
            UPDATE postbacks SET outcome = 'accepted', reject_reason = NULL, reject_detail = NULL,
                verified_with = $2, reverified_at = $3
            WHERE id = $1 AND outcome = 'rejected'
            """, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = postbackId });
            claim.Parameters.Add(new NpgsqlParameter { Value = verifiedWith });
            claim.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
            if (await claim.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return null;
            }
        }

        StoredPostback stored;
        await using (var apply = new NpgsqlCommand(ReverifySql, connection, transaction))
        {
            AddApplyParameters(apply.Parameters, postbackId, label, rows, discrepancies, scalars: false);
            stored = await ReadOutcomeAsync(apply, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>
    /// Reads the outcome row, then the rest of the answer up to ReadyForQuery: an error that comes
    /// after the row (the commit of a one-statement transaction is the last thing that can fail)
    /// is thrown here, so the caller never answers ok for something that was not committed.
    /// </summary>
    private static async Task<StoredPostback> ReadOutcomeAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The postback statement returned no outcome.");
        }
        var outcome = reader.GetString(0) == "duplicate" ? PostbackOutcome.Duplicate : PostbackOutcome.Accepted;
        var stored = new StoredPostback(outcome, reader.GetInt32(1), reader.GetInt32(2));
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
        await reader.CloseAsync();
        return stored;
    }

    /// <summary>A rejected postback's row (the accepted ones are written by <see cref="StoreOneSql"/>/<see cref="StoreManySql"/>).</summary>
    private static NpgsqlCommand InsertRejectedCommand(
        NpgsqlConnection connection, IncomingPostback postback, string rejectReason, string? rejectDetail)
    {
        // $1 id, $2 label, $3..$15 as in AddPostbackParameters, $16 reason, $17 detail.
        var command = new NpgsqlCommand("""
            INSERT INTO postbacks (id, label, received_at, body, body_length, body_truncated, body_sha256, remote_ip,
                verified_with, format, signature, access_key, direction, amount, transaction_ids, outcome,
                reject_reason, reject_detail, transaction_count, new_transaction_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'rejected', $16, $17, cardinality($15::text[]), 0)
            """, connection);
        var parameters = command.Parameters;
        Add(parameters, postback.Id);
        AddText(parameters, postback.Label, 190);
        AddPostbackParameters(parameters, postback, verifiedWith: null);
        AddText(parameters, rejectReason, 64);
        AddText(parameters, rejectDetail, 500);
        return command;
    }

    // The signed transactions as a relation. Parameters: $1 postback id, $2 the unsigned top-level
    // label, $3..$17 the transaction columns, $18 now, $19 discrepancies found in C# (jsonb).
    // A postback almost always carries one transaction: it is passed as scalars, which PostgreSQL
    // knows to be one row even in a generic plan; any other count goes as arrays through unnest.
    private const string IncomingOne = """
        WITH incoming AS (
            SELECT $3::uuid AS id, $4::text AS direction, $5::text AS transaction_id, $6::numeric AS amount,
                $7::text AS amount_text, $8::text AS currency_code, $9::text AS wallet_type, $10::text AS custom_order_id,
                $11::timestamptz AS activated_at, $12::timestamptz AS gateway_created_at, $13::int AS transaction_type,
                $14::text AS withdrawal_id, $15::int AS withdrawal_status, $16::text AS account_number, $17::text AS item
        ),
        """;

    private const string IncomingMany = """
        WITH incoming AS (
            SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::text[],
                                 $10::text[], $11::timestamptz[], $12::timestamptz[], $13::int[], $14::text[], $15::int[],
                                 $16::text[], $17::text[])
                AS t(id, direction, transaction_id, amount, amount_text, currency_code, wallet_type, custom_order_id,
                     activated_at, gateway_created_at, transaction_type, withdrawal_id, withdrawal_status,
                     account_number, item)
        ),
        """;

    /// <summary>
    /// Matches each signed transaction to our proof (ingoing ones, by custom order id) and the proof's
    /// deposit, inserts the transactions, confirms the deposits of the newly inserted matched ones,
    /// marks their proofs forwarded (the gateway evidently has them), and finds label discrepancies.
    /// The statement that follows records the postback's outcome from these.
    /// </summary>
    /// <remarks>
    /// Every row is found by a unique index probe and read once (<c>matched</c>), then reused: this
    /// statement runs for every postback, and each extra probe or plan node showed in PostgreSQL's CPU
    /// per postback (bench/README.md). The plans are generic (prepared once per connection), so no
    /// step may leave the planner a choice that depends on how many rows a status has.
    /// </remarks>
    private const string ApplyTransactions = """
        matched AS (
            SELECT i.*, p.id AS proof_id, p.deposit_id, p.amount AS proof_amount, p.status AS proof_status,
                d.currency AS deposit_currency, d.label AS deposit_label
            FROM incoming i
            LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
        ),
        inserted AS (
            INSERT INTO gateway_transactions (id, postback_id, direction, transaction_id, amount, amount_text,
                currency_code, wallet_type, custom_order_id, proof_id, deposit_id, applied, amount_mismatch,
                activated_at, gateway_created_at, transaction_type, withdrawal_id, withdrawal_status, account_number,
                item, stored_at)
            SELECT m.id, $1, m.direction, m.transaction_id, m.amount, m.amount_text, m.currency_code, m.wallet_type,
                m.custom_order_id, m.proof_id, m.deposit_id,
                m.proof_id IS NOT NULL AND m.amount > 0 AND upper(m.currency_code) = upper(m.deposit_currency),
                m.proof_id IS NOT NULL AND m.amount IS DISTINCT FROM m.proof_amount,
                m.activated_at, m.gateway_created_at, m.transaction_type, m.withdrawal_id, m.withdrawal_status,
                m.account_number, m.item::json, $18
            FROM matched m
            ON CONFLICT (direction, transaction_id) DO NOTHING
            RETURNING id, direction, transaction_id, deposit_id, proof_id, amount, applied
        ),
        confirmed AS (
            -- Status only moves forward: any status becomes confirmed, confirmed stays confirmed,
            -- and the confirmed amount is the sum of signed transactions, each added exactly once.
            -- Money that arrives after expiry still confirms the deposit, flagged for ops.
            UPDATE deposits d
            SET status = 'confirmed',
                confirmed_amount = COALESCE(d.confirmed_amount, 0) + s.total,
                confirmed_at = COALESCE(d.confirmed_at, $18),
                confirmed_after_expiry = d.confirmed_after_expiry OR d.status = 'expired',
                amount_mismatch = COALESCE(d.confirmed_amount, 0) + s.total <> COALESCE(
                    (SELECT sum(p.amount) FROM proofs p WHERE p.id IN (
                        SELECT g.proof_id FROM gateway_transactions g WHERE g.deposit_id = d.id AND g.applied
                        UNION SELECT i.proof_id FROM inserted i WHERE i.deposit_id = d.id AND i.applied)), 0),
                updated_at = $18
            FROM (SELECT deposit_id, sum(amount) AS total FROM inserted WHERE applied GROUP BY deposit_id) s
            WHERE d.id = s.deposit_id
            RETURNING d.id
        ),
        delivered AS (
            -- Only the proofs this statement saw still waiting: almost always none, as the gateway
            -- posts back after it accepted the proof. Found by primary key; the status is checked
            -- again on the row itself, so a dispatcher's concurrent change is respected. Written as
            -- NOT IN (same set, by ck_proofs_status) so that no plan can drive this from the status
            -- index instead, reading every failed proof ever kept for every postback.
            UPDATE proofs p SET status = 'forwarded', forwarded_at = COALESCE(p.forwarded_at, $18),
                next_attempt_at = NULL, updated_at = $18
            WHERE p.id = ANY (ARRAY(
                    SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
                    WHERE m.proof_status IN ('submitting', 'queued', 'failed')))
              AND p.status NOT IN ('forwarded', 'rejected')
            RETURNING p.id
        ),
        label_mismatch AS (
            -- The top-level label is unsigned; the deposit a signed transaction names (through its
            -- proof) says whose it is. Checked for repeated transactions too.
            SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $2::text, 'signed', m.deposit_label)) AS found
            FROM matched m
            WHERE $2::text IS NOT NULL AND m.deposit_label <> $2::text
        )
        """;

    // What the postback is: duplicate when it carried transactions and none of them was new.
    private const string OutcomeExpression = """
        CASE WHEN (SELECT count(*) FROM incoming) > 0 AND NOT EXISTS (SELECT 1 FROM inserted) THEN 'duplicate' ELSE 'accepted' END
        """;

    private const string DiscrepanciesExpression = """
        NULLIF(COALESCE($19::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb)
        """;

    // A verified postback: its row is inserted last, with the outcome the CTEs decided. Further
    // parameters: $20 received_at, $21 body, $22 body_length, $23 body_truncated, $24 body_sha256,
    // $25 remote_ip, $26 verified_with, $27 format, $28 signature, $29 access_key, $30 direction,
    // $31 amount, $32 transaction_ids.
    private const string InsertVerifiedPostback = $"""
        INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
            reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
            transaction_ids, transaction_count, new_transaction_count, discrepancies)
        VALUES ($1, $20, $21, $22, $23, $24, $25, {OutcomeExpression}, NULL, NULL, $26, $27, $28, $29, $30, $31, $2,
            $32, (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), {DiscrepanciesExpression})
        RETURNING outcome, new_transaction_count, (SELECT count(*)::int FROM confirmed)
        """;

    // A stored rejected postback that now verifies (ops reverify): its row exists and is updated.
    private const string UpdateReverifiedPostback = $"""
        UPDATE postbacks
        SET outcome = {OutcomeExpression},
            transaction_count = (SELECT count(*) FROM incoming),
            new_transaction_count = (SELECT count(*) FROM inserted),
            discrepancies = {DiscrepanciesExpression}
        WHERE id = $1
        RETURNING outcome, new_transaction_count, (SELECT count(*)::int FROM confirmed)
        """;

    private const string StoreOneSql = IncomingOne + ApplyTransactions + InsertVerifiedPostback;

    private const string StoreManySql = IncomingMany + ApplyTransactions + InsertVerifiedPostback;

    private const string ReverifySql = IncomingMany + ApplyTransactions + UpdateReverifiedPostback;

    /// <summary>
    /// $1..$19 of the statements above: the postback id and label, the rows (as scalars for
    /// <see cref="IncomingOne"/>, as arrays for <see cref="IncomingMany"/>), now, the discrepancies.
    /// </summary>
    private void AddApplyParameters(
        NpgsqlParameterCollection parameters, Guid postbackId, string? label, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        bool scalars)
    {
        Add(parameters, postbackId);
        AddText(parameters, label, 190);
        if (scalars)
        {
            var r = rows[0];
            Add(parameters, r.Id);
            Add(parameters, DirectionText(r.Direction));
            AddText(parameters, r.TransactionId, 190);
            AddNullable(parameters, r.Amount, NpgsqlDbType.Numeric);
            AddText(parameters, r.AmountText, 64);
            AddText(parameters, r.CurrencyCode, 16);
            AddText(parameters, r.WalletType, 190);
            AddText(parameters, r.CustomOrderId, 190);
            AddNullable(parameters, r.ActivatedAt, NpgsqlDbType.TimestampTz);
            AddNullable(parameters, r.GatewayCreatedAt, NpgsqlDbType.TimestampTz);
            AddNullable(parameters, r.TransactionType, NpgsqlDbType.Integer);
            AddText(parameters, r.WithdrawalId, 64);
            AddNullable(parameters, r.WithdrawalStatus, NpgsqlDbType.Integer);
            AddText(parameters, r.AccountNumber, 190);
            // json, not jsonb: the signed item may hold \u0000, which jsonb refuses and json keeps.
            parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = r.Item });
        }
        else
        {
            AddArray(parameters, rows.Select(r => r.Id).ToArray(), NpgsqlDbType.Uuid);
            AddArray(parameters, rows.Select(r => DirectionText(r.Direction)).ToArray(), NpgsqlDbType.Text);
            AddArray(parameters, rows.Select(r => Truncate(r.TransactionId, 190)).ToArray(), NpgsqlDbType.Text);
            AddArray(parameters, rows.Select(r => r.Amount).ToArray(), NpgsqlDbType.Numeric);
            AddArray(parameters, rows.Select(r => Truncate(r.AmountText, 64)).ToArray(), NpgsqlDbType.Text);
            AddArray(parameters, rows.Select(r => Truncate(r.CurrencyCode, 16)).ToArray(), NpgsqlDbType.Text);
            AddArray(parameters, rows.Select(r => Truncate(r.WalletType, 190)).ToArray(), NpgsqlDbType.Text);
            AddArray(parameters, rows.Select(r => Truncate(r.CustomOrderId, 190)).ToArray(), NpgsqlDbType.Text);
            AddArray(parameters, rows.Select(r => r.ActivatedAt).ToArray(), NpgsqlDbType.TimestampTz);
            AddArray(parameters, rows.Select(r => r.GatewayCreatedAt).ToArray(), NpgsqlDbType.TimestampTz);
            AddArray(parameters, rows.Select(r => r.TransactionType).ToArray(), NpgsqlDbType.Integer);
            AddArray(parameters, rows.Select(r => Truncate(r.WithdrawalId, 64)).ToArray(), NpgsqlDbType.Text);
            AddArray(parameters, rows.Select(r => r.WithdrawalStatus).ToArray(), NpgsqlDbType.Integer);
            AddArray(parameters, rows.Select(r => Truncate(r.AccountNumber, 190)).ToArray(), NpgsqlDbType.Text);
            // json, not jsonb: the signed item may hold \u0000, which jsonb refuses and json keeps.
            AddArray(parameters, rows.Select(r => r.Item).ToArray(), NpgsqlDbType.Text);
        }
        Add(parameters, time.GetUtcNow());
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)discrepancies ?? DBNull.Value });
    }

    /// <summary>$20..$32 of <see cref="InsertVerifiedPostback"/> (and $3..$15 of the rejected row's insert): the rest of the postback's row.</summary>
    private static void AddPostbackParameters(NpgsqlParameterCollection parameters, IncomingPostback postback, string? verifiedWith)
    {
        Add(parameters, postback.ReceivedAt);
        parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = postback.Body });
        Add(parameters, postback.BodyLength);
        Add(parameters, postback.BodyTruncated);
        Add(parameters, postback.BodySha256);
        AddText(parameters, postback.RemoteIp, 64);
        AddText(parameters, verifiedWith, 16);
        AddText(parameters, postback.Format, 16);
        AddText(parameters, postback.Signature, 128);
        AddText(parameters, postback.AccessKey, 190);
        AddText(parameters, postback.Direction, 32);
        AddText(parameters, postback.Amount, 64);
        AddArray(parameters, TransactionIdsOf(postback), NpgsqlDbType.Text);
    }

    private static string[] TransactionIdsOf(IncomingPostback postback) =>
        postback.TransactionIds.Take(100).Select(id => Truncate(id, 190)!).ToArray();

    private static string DirectionText(TransactionDirection direction) =>
        direction == TransactionDirection.Outgoing ? "outgoing" : "ingoing";

    private static void Add<T>(NpgsqlParameterCollection parameters, T value) =>
        parameters.Add(new NpgsqlParameter<T> { TypedValue = value });

    private static void AddNullable<T>(NpgsqlParameterCollection parameters, T? value, NpgsqlDbType type) where T : struct =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value.HasValue ? value.Value : DBNull.Value });

    private static void AddText(NpgsqlParameterCollection parameters, string? value, int maxLength) =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)Truncate(value, maxLength) ?? DBNull.Value });

    private static void AddArray<T>(NpgsqlParameterCollection parameters, T[] values, NpgsqlDbType elementType) =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values });

    private static string? Truncate(string? value, int maxLength) => ColumnText.Fit(value, maxLength);
}

using Npgsql;
using NpgsqlTypes;

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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insert = InsertPostbackCommand(postback, PostbackOutcome.Accepted, rejectReason: null, rejectDetail: null, verifiedWith);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(ApplyTransactionsCommand(postback.Id, postback.Label, rows, discrepancies));
        var stored = await ReadOutcomeAsync(batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>A postback that was not accepted, kept with its reason for ops (and for reverify).</summary>
    public Task StoreRejectedAsync(IncomingPostback postback, string reason, string? detail, CancellationToken cancellationToken) =>
        OnFreshConnectionIfBrokenAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(InsertPostbackCommand(postback, PostbackOutcome.Rejected, reason, detail, verifiedWith: null));
            await batch.ExecuteNonQueryAsync(cancellationToken);
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

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(ApplyTransactionsCommand(postbackId, label, rows, discrepancies));
        var stored = await ReadOutcomeAsync(batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    private static async Task<StoredPostback> ReadOutcomeAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (reader.FieldCount == 0 || !reader.HasRows)
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("The postback statement returned no outcome.");
            }
        }
        await reader.ReadAsync(cancellationToken);
        var outcome = reader.GetString(0) == "duplicate" ? PostbackOutcome.Duplicate : PostbackOutcome.Accepted;
        return new StoredPostback(outcome, reader.GetInt32(1), reader.GetInt32(2));
    }

    private NpgsqlBatchCommand InsertPostbackCommand(
        IncomingPostback postback, PostbackOutcome outcome, string? rejectReason, string? rejectDetail, string? verifiedWith)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
                reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
                transaction_ids, transaction_count, new_transaction_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, cardinality($18::text[]), 0)
            """);
        Add(command, postback.Id);
        Add(command, postback.ReceivedAt);
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = postback.Body });
        Add(command, postback.BodyLength);
        Add(command, postback.BodyTruncated);
        Add(command, postback.BodySha256);
        AddText(command, postback.RemoteIp, 64);
        Add(command, outcome == PostbackOutcome.Rejected ? "rejected" : "accepted");
        AddText(command, rejectReason, 64);
        AddText(command, rejectDetail, 500);
        AddText(command, verifiedWith, 16);
        AddText(command, postback.Format, 16);
        AddText(command, postback.Signature, 128);
        AddText(command, postback.AccessKey, 190);
        AddText(command, postback.Direction, 32);
        AddText(command, postback.Amount, 64);
        AddText(command, postback.Label, 190);
        AddArray(command, postback.TransactionIds.Take(100).Select(id => Truncate(id, 190)!).ToArray(), NpgsqlDbType.Text);
        return command;
    }

    /// <summary>
    /// Inserts the signed transactions (matching ingoing ones to our proofs by custom order id),
    /// confirms the deposits of the newly inserted matched ones, marks their proofs forwarded (the
    /// gateway evidently has them), and records the postback's outcome and discrepancies.
    /// </summary>
    private NpgsqlBatchCommand ApplyTransactionsCommand(
        Guid postbackId, string? label, IReadOnlyList<TransactionRow> rows, string? discrepancies)
    {
        var command = new NpgsqlBatchCommand("""
            WITH incoming AS (
                SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::text[],
                                     $10::text[], $11::timestamptz[], $12::timestamptz[], $13::int[], $14::text[], $15::int[],
                                     $16::text[], $17::text[])
                    AS t(id, direction, transaction_id, amount, amount_text, currency_code, wallet_type, custom_order_id,
                         activated_at, gateway_created_at, transaction_type, withdrawal_id, withdrawal_status,
                         account_number, item)
            ),
            inserted AS (
                INSERT INTO gateway_transactions (id, postback_id, direction, transaction_id, amount, amount_text,
                    currency_code, wallet_type, custom_order_id, proof_id, deposit_id, applied, amount_mismatch,
                    activated_at, gateway_created_at, transaction_type, withdrawal_id, withdrawal_status, account_number,
                    item, stored_at)
                SELECT i.id, $1, i.direction, i.transaction_id, i.amount, i.amount_text, i.currency_code, i.wallet_type,
                    i.custom_order_id, p.id, p.deposit_id,
                    p.id IS NOT NULL AND i.amount > 0 AND upper(i.currency_code) = upper(d.currency),
                    p.id IS NOT NULL AND i.amount IS DISTINCT FROM p.amount,
                    i.activated_at, i.gateway_created_at, i.transaction_type, i.withdrawal_id, i.withdrawal_status,
                    i.account_number, i.item::json, $18
                FROM incoming i
                LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
                LEFT JOIN deposits d ON d.id = p.deposit_id
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
                UPDATE proofs SET status = 'forwarded', forwarded_at = COALESCE(forwarded_at, $18),
                    next_attempt_at = NULL, updated_at = $18
                WHERE id IN (SELECT proof_id FROM inserted WHERE proof_id IS NOT NULL)
                  AND status IN ('submitting', 'queued', 'failed')
                RETURNING id
            ),
            label_mismatch AS (
                -- The top-level label is unsigned; the deposit a signed transaction belongs to says whose it is.
                SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $2::text, 'signed', d.label)) AS found
                FROM deposits d
                WHERE $2::text IS NOT NULL AND d.label <> $2::text AND d.id IN (
                    SELECT deposit_id FROM inserted
                    UNION SELECT g.deposit_id FROM gateway_transactions g
                          JOIN incoming i ON g.direction = i.direction AND g.transaction_id = i.transaction_id)
            )
            UPDATE postbacks
            SET outcome = CASE WHEN cardinality($3::uuid[]) > 0 AND NOT EXISTS (SELECT 1 FROM inserted)
                               THEN 'duplicate' ELSE 'accepted' END,
                transaction_count = cardinality($3::uuid[]),
                new_transaction_count = (SELECT count(*) FROM inserted),
                discrepancies = NULLIF(COALESCE($19::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb)
            WHERE id = $1
            RETURNING outcome, new_transaction_count, (SELECT count(*)::int FROM confirmed)
            """);
        Add(command, postbackId);
        AddText(command, label, 190);
        AddArray(command, rows.Select(r => r.Id).ToArray(), NpgsqlDbType.Uuid);
        AddArray(command, rows.Select(r => r.Direction == TransactionDirection.Outgoing ? "outgoing" : "ingoing").ToArray(), NpgsqlDbType.Text);
        AddArray(command, rows.Select(r => Truncate(r.TransactionId, 190)).ToArray(), NpgsqlDbType.Text);
        AddArray(command, rows.Select(r => r.Amount).ToArray(), NpgsqlDbType.Numeric);
        AddArray(command, rows.Select(r => Truncate(r.AmountText, 64)).ToArray(), NpgsqlDbType.Text);
        AddArray(command, rows.Select(r => Truncate(r.CurrencyCode, 16)).ToArray(), NpgsqlDbType.Text);
        AddArray(command, rows.Select(r => Truncate(r.WalletType, 190)).ToArray(), NpgsqlDbType.Text);
        AddArray(command, rows.Select(r => Truncate(r.CustomOrderId, 190)).ToArray(), NpgsqlDbType.Text);
        AddArray(command, rows.Select(r => r.ActivatedAt).ToArray(), NpgsqlDbType.TimestampTz);
        AddArray(command, rows.Select(r => r.GatewayCreatedAt).ToArray(), NpgsqlDbType.TimestampTz);
        AddArray(command, rows.Select(r => r.TransactionType).ToArray(), NpgsqlDbType.Integer);
        AddArray(command, rows.Select(r => Truncate(r.WithdrawalId, 64)).ToArray(), NpgsqlDbType.Text);
        AddArray(command, rows.Select(r => r.WithdrawalStatus).ToArray(), NpgsqlDbType.Integer);
        AddArray(command, rows.Select(r => Truncate(r.AccountNumber, 190)).ToArray(), NpgsqlDbType.Text);
        // json, not jsonb: the signed item may hold \u0000, which jsonb refuses and json keeps.
        AddArray(command, rows.Select(r => r.Item).ToArray(), NpgsqlDbType.Text);
        Add(command, time.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)discrepancies ?? DBNull.Value });
        return command;
    }

    private static void Add<T>(NpgsqlBatchCommand command, T value) =>
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });

    private static void AddText(NpgsqlBatchCommand command, string? value, int maxLength) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)Truncate(value, maxLength) ?? DBNull.Value });

    private static void AddArray<T>(NpgsqlBatchCommand command, T[] values, NpgsqlDbType elementType) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values });

    /// <summary>
    /// Values from outside are fitted to their columns rather than failing the whole postback:
    /// bounded in length, and without NUL (legal in JSON, impossible in PostgreSQL text).
    /// </summary>
    private static string? Truncate(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }
        var bounded = value.Length <= maxLength ? value : value[..maxLength];
        return bounded.Contains('\0', StringComparison.Ordinal) ? bounded.Replace('\0', '\uFFFD') : bounded;
    }
}

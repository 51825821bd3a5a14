using System.Globalization;
using Npgsql;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Reconciliation;

/// <summary>
/// Rows for the reconciliation tests written straight into the tables, shaped as the postback
/// statement writes them (the tests also drive the real postback endpoint, so the two can be compared).
/// </summary>
public sealed class ReconciliationSeed(MerchantApiFactory api)
{
    /// <summary>A local time in the report's zone (+08:00), e.g. "2031-03-14 23:59".</summary>
    public static DateTimeOffset Local(string text) =>
        DateTimeOffset.ParseExact(text + " +08:00", "yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture).ToUniversalTime();

    private Guid? _postbackId;

    /// <summary>The postback the seeded items name (the table requires one).</summary>
    private async Task<Guid> PostbackAsync()
    {
        if (_postbackId is { } id)
        {
            return id;
        }
        _postbackId = Guid.NewGuid();
        await ExecuteAsync("""
            INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, outcome, transaction_ids,
                transaction_count, new_transaction_count)
            VALUES (@id, now(), '\x7b7d', 2, false, repeat('0', 64), 'accepted', '{}', 0, 0)
            """, ("id", _postbackId.Value));
        return _postbackId.Value;
    }

    public async Task<Guid> DepositAsync(string currency, int? asked, decimal confirmed, DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        await ExecuteAsync("""
            INSERT INTO deposits (id, label, status, currency, wallet_type, amount, gateway_params, amount_mismatch, confirmed_amount,
                created_at, updated_at, confirmed_at, confirmed_after_expiry)
            VALUES (@id, 'recon-seed', 'confirmed', @currency, 'bnb_ml', @asked::int, '{}', @mismatch, @confirmed, @at, @at, @at, false)
            """, ("id", id), ("currency", currency), ("asked", (object?)asked ?? DBNull.Value), ("mismatch", asked is { } a && a != confirmed),
            ("confirmed", confirmed), ("at", at));
        return id;
    }

    /// <summary>A signed incoming item; applied to the deposit when one is given and no reason is.</summary>
    public Task DepositFactAsync(Guid? depositId, string? currency, decimal? amount, DateTimeOffset? activatedAt,
        DateTimeOffset? storedAt = null, string? reason = null) =>
        FactAsync("ingoing", "ingoing:tx:" + TestPostbacks.NewTransactionId(), currency, amount, activatedAt, storedAt ?? activatedAt!.Value,
            depositId: depositId, reason: reason);

    public async Task<(Guid Id, string WithdrawalId)> PayoutAsync(string status, int amount, DateTimeOffset createdAt)
    {
        var id = Guid.NewGuid();
        var withdrawalId = "po_" + id.ToString("N");
        await ExecuteAsync("""
            INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number, account_name, status,
                created_by, idempotency_key, request_hash, attempts, attempt_limit, outcome_uncertain, amount_mismatch, created_at, updated_at)
            VALUES (@id, @withdrawal, 'recon-payee', @amount, 'BTN', 'sinpemovil', false, '9440377924', 'Dorji Wangmo', @status,
                'ledger-service', @withdrawal, repeat('0', 64), 1, 300, false, false, @at, @at)
            """, ("id", id), ("withdrawal", withdrawalId), ("amount", amount), ("status", status), ("at", createdAt));
        return (id, withdrawalId);
    }

    /// <summary>A signed withdrawal status for a payout, stored as the postback statement stores it.</summary>
    public Task WithdrawalFactAsync((Guid Id, string WithdrawalId) payout, int status, decimal amount, DateTimeOffset? activatedAt,
        DateTimeOffset? storedAt = null, string? reason = null) =>
        FactAsync("outgoing", $"withdrawal:{status}:{payout.WithdrawalId}", "BTN", amount, activatedAt, storedAt ?? activatedAt!.Value,
            payoutId: payout.Id, withdrawal: (payout.WithdrawalId, status), reason: reason);

    private async Task FactAsync(string direction, string factKey, string? currency, decimal? amount, DateTimeOffset? activatedAt,
        DateTimeOffset storedAt, Guid? depositId = null, Guid? payoutId = null, (string Id, int Status)? withdrawal = null, string? reason = null)
    {
        await ExecuteAsync("""
            INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code,
                deposit_id, payout_id, applied, unapplied_reason, amount_mismatch, activated_at, withdrawal_id, withdrawal_status, item, stored_at)
            VALUES (@id, @postback, @direction, @key, @tx, @amount::numeric, @amount::numeric::text, @currency::text, @deposit::uuid, @payout::uuid,
                @reason::text IS NULL, @reason::text, false, @activated::timestamptz, @withdrawal::text, @status::int, '{}', @stored)
            """,
            ("id", Guid.NewGuid()), ("postback", await PostbackAsync()), ("direction", direction), ("key", factKey),
            ("tx", TestPostbacks.NewTransactionId()), ("amount", (object?)amount ?? DBNull.Value),
            ("currency", (object?)currency ?? DBNull.Value), ("deposit", (object?)depositId ?? DBNull.Value),
            ("payout", (object?)payoutId ?? DBNull.Value), ("reason", (object?)reason ?? DBNull.Value),
            ("activated", (object?)activatedAt ?? DBNull.Value), ("withdrawal", (object?)withdrawal?.Id ?? DBNull.Value),
            ("status", (object?)withdrawal?.Status ?? DBNull.Value), ("stored", storedAt));
    }

    public Task EventAsync(string type, string status, DateTimeOffset createdAt)
    {
        var id = Guid.NewGuid();
        return ExecuteAsync("""
            INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, created_at, failed_at)
            VALUES (@id, @type, @id, @id::text, '{}', @status, 0, @at, CASE WHEN @status = 'failed' THEN @at END)
            """, ("id", id), ("type", type), ("status", status), ("at", createdAt));
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }
}

using Npgsql;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Tests.Observability;

/// <summary>
/// Rows written straight into the tables the gauges count, in a chosen status and of a chosen age: the
/// gauges count whatever is there, and the API cannot make a backlog (a hundred queued proofs, an old
/// event) quickly. Each batch's oldest row is exactly <c>age</c> old, the others a second younger each.
/// Nothing is due: next_attempt_at lies a day ahead, so no dispatcher would take them.
/// </summary>
public sealed partial class QueueSnapshotTests
{
    private Task AddDepositsAsync(DepositStatus status, int count) =>
        ExecuteAsync($$"""
            INSERT INTO deposits (id, label, status, currency, wallet_type, gateway_params, amount_mismatch, created_at, updated_at)
            SELECT gen_random_uuid(), 'gauge-' || g, {{DepositTransitions.Sql(status)}}, 'BTN', 'bnb_ml', '{}', false, now(), now()
            FROM generate_series(1, @count) AS g
            """, count, TimeSpan.Zero);

    private Task AddEventsAsync(EventStatus status, int count, TimeSpan age) =>
        ExecuteAsync($$"""
            INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
            SELECT gen_random_uuid(), 'deposit.credited', gen_random_uuid(), gen_random_uuid()::text, '{}',
                   {{EventTransitions.Sql(status)}}, 0, now() + interval '1 day', now() - @age + (g - 1) * interval '1 second'
            FROM generate_series(1, @count) AS g
            """, count, age);

    /// <summary>Proofs of one deposit, which must exist (any deposit will do: the gauge does not look).</summary>
    private Task AddProofsAsync(ProofStatus status, int count, TimeSpan age) =>
        ExecuteAsync($$"""
            INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, attempts,
                                outcome_uncertain, next_attempt_at, attempt_limit, request_hash, screenshot_file_name,
                                screenshot_content_type, screenshot_size, screenshot_sha256, created_at, updated_at)
            SELECT gen_random_uuid(), (SELECT id FROM deposits LIMIT 1), 'gauge', gen_random_uuid()::text,
                   substr(translate(gen_random_uuid()::text, 'abcdef-', '0123456'), 1, 12), 300, {{ProofTransitions.Sql(status)}}, 1,
                   false, now() + interval '1 day', 300, 'h', 'p.png', 'image/png', 10, 's',
                   now() - @age + (g - 1) * interval '1 second', now()
            FROM generate_series(1, @count) AS g
            """, count, age);

    private Task AddPayoutsAsync(PayoutStatus status, int count, TimeSpan age) =>
        ExecuteAsync($$"""
            INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number, account_name,
                                 status, created_by, idempotency_key, request_hash, attempts, attempt_limit, outcome_uncertain,
                                 next_attempt_at, amount_mismatch, created_at, updated_at)
            SELECT gen_random_uuid(), gen_random_uuid()::text, 'gauge', 1000, 'BTN', 'bnb_ml', false, '9440377924', 'Dorji Wangmo',
                   {{PayoutTransitions.Sql(status)}}, 'office', gen_random_uuid()::text, 'h', 0, 300, false,
                   now() + interval '1 day', false, now() - @age + (g - 1) * interval '1 second', now()
            FROM generate_series(1, @count) AS g
            """, count, age);

    private async Task ExecuteAsync(string sql, int count, TimeSpan age)
    {
        await using var connection = new NpgsqlConnection(_api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("count", count);
        command.Parameters.AddWithValue("age", age);
        await command.ExecuteNonQueryAsync();
    }
}

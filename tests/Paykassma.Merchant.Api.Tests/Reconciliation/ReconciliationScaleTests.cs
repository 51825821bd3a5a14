using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Reconciliation;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.PluginApi;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Reconciliation;

/// <summary>A database of its own, holding 300 000 signed items over 300 days (seeded once, with generate_series).</summary>
public sealed class ReconciliationScaleFactory : MerchantApiFactory
{
    public const int Days = 300;
    public static readonly DateOnly FirstDay = new(2032, 1, 1);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var _ = CreateClient();  // start-up applies the migrations
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Seed, connection) { CommandTimeout = 300 };
        command.Parameters.AddWithValue("first", GatewayTimeZone.Parse("+08:00").StartOfDay(FirstDay));
        command.Parameters.AddWithValue("days", Days);
        await command.ExecuteNonQueryAsync();
    }

    // 100 000 deposits paid in two transfers each (every tenth for less than asked), 20 000 payouts reported
    // three times (4, 3, then paid), 40 000 unapplied items, 30 000 unsettled payouts, 100 000 events:
    // 300 000 signed items, about 1 000 a day, stored a little after their activation.
    private const string Seed = """
        INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, outcome, transaction_ids,
            transaction_count, new_transaction_count)
        VALUES ('00000000-0000-0000-0000-000000000001', now(), '\x7b7d', 2, false, repeat('0', 64), 'accepted', '{}', 0, 0);

        INSERT INTO deposits (id, label, status, currency, wallet_type, amount, gateway_params, amount_mismatch, confirmed_amount,
            created_at, updated_at, confirmed_at, confirmed_after_expiry)
        SELECT md5('d' || g)::uuid, 'scale-' || (g % 500), 'confirmed', 'BTN', 'bnb_ml', 300, '{}', g % 10 = 0,
            CASE WHEN g % 10 = 0 THEN 250 ELSE 300 END, at, at, at, false
        FROM generate_series(1, 100000) g, LATERAL (SELECT @first + (g * 2) * (@days * interval '1 day') / 200002 AS at) t;

        INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code, deposit_id,
            applied, amount_mismatch, activated_at, item, stored_at)
        SELECT md5('t' || n)::uuid, '00000000-0000-0000-0000-000000000001', 'ingoing', 'ingoing:tx:' || n, n::text,
            CASE WHEN n % 2 = 0 THEN 150 ELSE (CASE WHEN (n / 2) % 10 = 0 THEN 100 ELSE 150 END) END, '150', 'BTN',
            md5('d' || (n / 2))::uuid, true, false, at, '{"amount":"150","currency_code":"BTN"}', at + interval '2 seconds'
        FROM generate_series(2, 200001) n, LATERAL (SELECT @first + n * (@days * interval '1 day') / 200002 AS at) t;

        INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number, account_name, status,
            created_by, idempotency_key, request_hash, attempts, attempt_limit, outcome_uncertain, amount_mismatch, withdrawal_status,
            settled_amount, created_at, updated_at, settled_at)
        SELECT md5('p' || g)::uuid, 'po_' || md5('p' || g), 'scale-payee', 1020, 'BTN', 'sinpemovil', false, '9440377924', 'Dorji Wangmo',
            CASE WHEN g <= 20000 THEN 'paid' WHEN g % 3 = 0 THEN 'refused' ELSE 'sent' END, 'ledger-service', 'k' || g, repeat('0', 64),
            1, 300, false, false, CASE WHEN g <= 20000 THEN 1 END, CASE WHEN g <= 20000 THEN 1020 END, at, at, CASE WHEN g <= 20000 THEN at END
        FROM generate_series(1, 50000) g, LATERAL (SELECT @first + (g * 6) * (@days * interval '1 day') / 300000 AS at) t;

        INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code, payout_id,
            applied, amount_mismatch, activated_at, withdrawal_id, withdrawal_status, item, stored_at)
        SELECT md5('w' || g || ':' || s)::uuid, '00000000-0000-0000-0000-000000000001', 'outgoing', 'withdrawal:' || s || ':po_' || md5('p' || g),
            NULL, 1020, '1020', 'BTN', md5('p' || g)::uuid, true, false, at + s * interval '1 minute', 'po_' || md5('p' || g), s,
            '{"amount":"1020","withdrawal_status":1}', at + s * interval '1 minute' + interval '2 seconds'
        FROM generate_series(1, 20000) g, unnest(ARRAY[4, 3, 1]) s, LATERAL (SELECT @first + (g * 15) * (@days * interval '1 day') / 300000 AS at) t;

        INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code,
            applied, unapplied_reason, amount_mismatch, activated_at, item, stored_at)
        SELECT md5('u' || g)::uuid, '00000000-0000-0000-0000-000000000001', 'ingoing', 'ingoing:tx:u' || g, 'u' || g, 77, '77', 'BTN',
            false, 'no_matching_proof', false, at, '{"amount":"77"}', at + interval '2 seconds'
        FROM generate_series(1, 40000) g, LATERAL (SELECT @first + (g * 7.5) * (@days * interval '1 day') / 300000 AS at) t;

        INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, created_at, failed_at)
        SELECT md5('e' || g)::uuid, 'deposit.confirmed', md5('d' || g)::uuid, 'e' || g, '{}',
            CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'delivered' END, 1, e.at, CASE WHEN g % 10 = 0 THEN e.at END
        FROM generate_series(1, 100000) g, LATERAL (SELECT @first + (g * 3) * (@days * interval '1 day') / 300000 AS at) e;

        ANALYZE;
        """;
}

/// <summary>
/// The report on 300 000 signed items: each table is entered through its time index (no sequential
/// scan), and the time of a day's and a quarter's report is written to the test output (bench/README.md).
/// </summary>
public sealed class ReconciliationScaleTests(ReconciliationScaleFactory api, ITestOutputHelper output) : IClassFixture<ReconciliationScaleFactory>
{
    private static readonly string[] BigTables = ["gateway_transactions", "deposits", "payouts", "outbox_events"];

    [Fact]
    public async Task A_days_report_over_300_000_signed_items_reads_every_table_through_an_index()
    {
        var day = ReconciliationScaleFactory.FirstDay.AddDays(100);
        var plan = await ExplainAsync(day, day);

        var scans = Nodes(plan).Where(n => n.TryGetProperty("Relation Name", out _))
            .Select(n => $"{n.GetProperty("Node Type").GetString()} on {n.GetProperty("Relation Name").GetString()}").Distinct().ToList();
        output.WriteLine($"one day: {string.Join("; ", scans)}; executed in {plan.GetProperty("Execution Time").GetDouble():0.0} ms");
        Assert.DoesNotContain(scans, s => s.StartsWith("Seq Scan", StringComparison.Ordinal) && BigTables.Any(s.EndsWith));
        Assert.Contains("on gateway_transactions", string.Join(";", scans.Where(s => s.Contains("Index", StringComparison.Ordinal))));

        var report = await TimeReportAsync(day, day);
        var btn = report.GetProperty("days")[0].GetProperty("currencies")[0];
        Assert.InRange(btn.GetProperty("signed").GetProperty("depositsConfirmed").GetProperty("count").GetInt64(), 600, 700);
        Assert.InRange(btn.GetProperty("signed").GetProperty("payoutsPaid").GetProperty("count").GetInt64(), 60, 75);
    }

    [Fact]
    public async Task A_quarters_report_over_300_000_signed_items_is_timed()
    {
        var first = ReconciliationScaleFactory.FirstDay.AddDays(100);
        var last = first.AddDays(ReconciliationApi.MaxDays - 1);
        var plan = await ExplainAsync(first, last);
        output.WriteLine($"92 days: {string.Join("; ", Nodes(plan).Where(n => n.TryGetProperty("Relation Name", out _)).Select(n => $"{n.GetProperty("Node Type").GetString()} on {n.GetProperty("Relation Name").GetString()}").Distinct())}; executed in {plan.GetProperty("Execution Time").GetDouble():0.0} ms");

        var report = await TimeReportAsync(first, last);

        Assert.Equal(ReconciliationApi.MaxDays, report.GetProperty("days").GetArrayLength());
    }

    [Fact]
    public async Task Building_the_report_index_on_300_000_signed_items_is_timed()
    {
        // What the migration costs an existing database: CREATE INDEX holds off writes to the table meanwhile.
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var drop = new NpgsqlCommand("DROP INDEX ix_gateway_transactions_reported_at", connection, transaction))
        {
            await drop.ExecuteNonQueryAsync();
        }
        var clock = Stopwatch.StartNew();
        await using (var create = new NpgsqlCommand(
            "CREATE INDEX ix_gateway_transactions_reported_at ON gateway_transactions ((COALESCE(activated_at, stored_at)))", connection, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }
        output.WriteLine($"building ix_gateway_transactions_reported_at on 300 000 rows: {clock.Elapsed.TotalMilliseconds:0} ms");
        await transaction.RollbackAsync();
    }

    private async Task<JsonElement> TimeReportAsync(DateOnly from, DateOnly to)
    {
        using var ops = api.ClientFor("finance-ops", ops: true);
        var path = $"/api/ops/reconciliation?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        await ops.GetAsync(path);  // warm: plan cache, connection, JIT
        var clock = Stopwatch.StartNew();
        var response = await ops.GetAsync(path);
        var json = clock.Elapsed;
        clock.Restart();
        using var csv = new HttpRequestMessage(HttpMethod.Get, path);
        csv.Headers.Accept.ParseAdd("text/csv");
        var csvResponse = await ops.SendAsync(csv);
        output.WriteLine($"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}: JSON {json.TotalMilliseconds:0} ms, CSV {clock.Elapsed.TotalMilliseconds:0} ms (HTTP, warm)");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The report's statement under EXPLAIN ANALYZE, with the parameters the reader binds.</summary>
    private async Task<JsonElement> ExplainAsync(DateOnly from, DateOnly to)
    {
        var zone = GatewayTimeZone.Parse("+08:00");
        var starts = Enumerable.Range(0, to.DayNumber - from.DayNumber + 2).Select(i => zone.StartOfDay(from.AddDays(i))).ToArray();
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + ReconciliationStatements.Report, connection);
        command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = starts });
        command.Parameters.AddWithValue("from", starts[0]);
        command.Parameters.AddWithValue("to", starts[^1]);
        command.Parameters.AddWithValue("paid", new[] { 1 });
        command.Parameters.AddWithValue("cancelled", new[] { 5, 6, 7 });
        using var document = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!);
        return document.RootElement[0].Clone();
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement explained)
    {
        var pending = new Stack<JsonElement>([explained.GetProperty("Plan")]);
        while (pending.TryPop(out var node))
        {
            yield return node;
            if (node.TryGetProperty("Plans", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    pending.Push(child);
                }
            }
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>
/// A bank transaction number is money in once: one live proof (not rejected) may hold it, across
/// all users and deposits, decided by a unique index, so concurrent claims cannot both win.
/// </summary>
[Collection(ProofCollection.Name)]
public sealed class LiveTransactionNumberTests(FastDispatcherFactory api)
{
    private readonly string _number = ProofScript.NewTransactionNumber();

    private Task<long> LiveProofsAsync() => api.ScalarAsync<long>(
        "SELECT count(*) FROM proofs WHERE transaction_number = @n AND status <> 'rejected'", ("n", _number));

    private async Task<(string Label, Guid DepositId, HttpClient Client)> PayerAsync(string name, string? gatewayAnswer = null)
    {
        var label = GatewayScript.NewLabel(name);
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label, gatewayAnswer ?? ProofScript.SuccessBody);
        return (label, depositId, api.ClientFor(label));
    }

    [Fact]
    public async Task A_number_another_user_holds_is_409_number_in_use_without_a_trace_of_the_other_claim_and_nothing_is_stored()
    {
        var (aliceLabel, aliceDeposit, alice) = await PayerAsync("alice");
        var (bobLabel, bobDeposit, bob) = await PayerAsync("bob");

        var first = await alice.UploadAsync(aliceDeposit, ProofScript.Form(_number));
        var second = await bob.UploadAsync(bobDeposit, ProofScript.Form(_number));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var aliceProof = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var body = await second.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("https://paykassma-merchant.local/problems/transaction-number-in-use", problem.GetProperty("type").GetString());
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        foreach (var secret in new[] { aliceDeposit.ToString(), aliceDeposit.ToString("N"), aliceLabel, aliceProof })
        {
            Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(0, await api.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE deposit_id = @d", ("d", bobDeposit)));
        Assert.Equal("awaiting_payment", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @d", ("d", bobDeposit)));
        Assert.Empty(api.Gateway.ProofCallsFor(bobLabel));
        Assert.Single(api.Gateway.ProofCallsFor(aliceLabel));
        // Ops see the refused claim.
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 5006 && r.Message.Contains(bobDeposit.ToString(), StringComparison.Ordinal));
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Of_concurrent_claims_of_one_number_by_many_users_exactly_one_is_stored_and_sent()
    {
        const int claimants = 8;
        var payers = new List<(string Label, Guid DepositId, HttpClient Client)>();
        for (var i = 0; i < claimants; i++)
        {
            payers.Add(await PayerAsync("racer"));
        }

        var responses = await Task.WhenAll(payers.Select(p => p.Client.UploadAsync(p.DepositId, ProofScript.Form(_number))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(claimants - 1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE transaction_number = @n", ("n", _number)));
        Assert.Equal(1, payers.Sum(p => api.Gateway.ProofCallsFor(p.Label).Count));
        payers.ForEach(p => p.Client.Dispose());
    }

    [Fact]
    public async Task A_number_whose_proof_the_gateway_rejected_may_be_claimed_again_by_another_user()
    {
        var (_, aliceDeposit, alice) = await PayerAsync("alice", """{"status":"fail","message":"Transaction not found"}""");
        var (_, bobDeposit, bob) = await PayerAsync("bob");

        var refused = await alice.UploadAsync(aliceDeposit, ProofScript.Form(_number));
        var claimedAgain = await bob.UploadAsync(bobDeposit, ProofScript.Form(_number));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, claimedAgain.StatusCode);
        Assert.Equal(1, await LiveProofsAsync());
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task A_replay_with_the_same_idempotency_key_answers_the_first_result_not_409()
    {
        var (aliceLabel, aliceDeposit, alice) = await PayerAsync("alice");
        var (_, bobDeposit, bob) = await PayerAsync("bob");
        var key = Guid.NewGuid().ToString();
        var screenshot = ProofScript.Png(seed: 5);

        var first = await alice.UploadAsync(aliceDeposit, ProofScript.Form(_number, screenshot: screenshot), key);
        var bobs = await bob.UploadAsync(bobDeposit, ProofScript.Form(_number));
        var replay = await alice.UploadAsync(aliceDeposit, ProofScript.Form(_number, screenshot: screenshot), key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, bobs.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Single(api.Gateway.ProofCallsFor(aliceLabel));
        Assert.Equal(1, await LiveProofsAsync());
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task A_failed_proof_keeps_its_number_since_ops_may_send_it_again()
    {
        var (aliceLabel, aliceDeposit, _) = await PayerAsync("alice");
        var (bobLabel, bobDeposit, bob) = await PayerAsync("bob");
        var proofId = Guid.CreateVersion7();
        await api.ScalarAsync<int>("""
            INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, attempts,
                attempt_limit, outcome_uncertain, request_hash, screenshot_file_name, screenshot_content_type,
                screenshot_size, screenshot_sha256, created_at, updated_at)
            VALUES (@id, @d, @l, @c, @n, 300, 'failed', 300, 300, true, 'h', 'a.png', 'image/png', 4, 'x', now(), now())
            """, ("id", proofId), ("d", aliceDeposit), ("l", aliceLabel), ("c", "pm_" + proofId.ToString("N")), ("n", _number));

        var response = await bob.UploadAsync(bobDeposit, ProofScript.Form(_number));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.EndsWith("/transaction-number-in-use", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Empty(api.Gateway.ProofCallsFor(bobLabel));
        bob.Dispose();
    }

    [Fact]
    public async Task The_proof_upload_documents_its_409_as_a_problem()
    {
        using var ops = api.ClientFor("ops", ops: true);

        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var upload = document.GetProperty("paths").GetProperty("/api/deposits/{id}/proof").GetProperty("post");
        Assert.True(upload.GetProperty("responses").TryGetProperty("409", out var conflict), "POST /api/deposits/{id}/proof does not describe 409");
        Assert.True(conflict.GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.Contains("transaction-number-in-use", upload.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_migration_stops_and_changes_nothing_when_live_proofs_already_share_a_number()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        await using var db = new MerchantDbContext(new DbContextOptionsBuilder<MerchantDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .Options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_LiveTransactionNumber", StringComparison.Ordinal)) - 1];
        await migrator.MigrateAsync(before);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var seed = new NpgsqlCommand("""
                INSERT INTO deposits (id, label, status, currency, wallet_type, gateway_params, amount_mismatch, created_at, updated_at)
                VALUES ('00000000-0000-0000-0000-00000000000a', 'alice', 'proof_submitted', 'BTN', 'bnb_ml', '{}', false, now(), now()),
                       ('00000000-0000-0000-0000-00000000000b', 'bob', 'proof_submitted', 'BTN', 'bnb_ml', '{}', false, now(), now());
                INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, attempts,
                    attempt_limit, outcome_uncertain, request_hash, screenshot_file_name, screenshot_content_type,
                    screenshot_size, screenshot_sha256, created_at, updated_at)
                VALUES (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'alice', 'pm_a', '123456789012', 300, 'forwarded', 1, 300, false, 'h', 'a.png', 'image/png', 4, 'x', now(), now()),
                       (gen_random_uuid(), '00000000-0000-0000-0000-00000000000b', 'bob', 'pm_b', '123456789012', 300, 'queued', 1, 300, false, 'h', 'a.png', 'image/png', 4, 'x', now(), now());
                """, connection);
            await seed.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => migrator.MigrateAsync());

        Assert.Equal("P0001", refused.SqlState);
        Assert.Contains("1 transaction number(s) are held by more than one proof", refused.MessageText, StringComparison.Ordinal);
        Assert.Contains("SELECT transaction_number", refused.Hint, StringComparison.Ordinal);
        Assert.Equal(before, (await db.Database.GetAppliedMigrationsAsync()).Last());
        await using var check = new NpgsqlConnection(connectionString);
        await check.OpenAsync();
        await using var statuses = new NpgsqlCommand(
            "SELECT string_agg(status, ',' ORDER BY status) FROM proofs WHERE transaction_number = '123456789012'", check);
        Assert.Equal("forwarded,queued", await statuses.ExecuteScalarAsync());
        await using var index = new NpgsqlCommand(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ux_proofs_live_transaction_number'", check);
        Assert.Contains("(deposit_id, transaction_number)", (string)(await index.ExecuteScalarAsync())!, StringComparison.Ordinal);
    }
}

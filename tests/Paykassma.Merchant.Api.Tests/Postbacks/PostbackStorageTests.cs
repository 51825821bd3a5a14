using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// What a postback costs the disk, and what happens when the database refuses a genuine one: an
/// accepted or held body is kept whole (the evidence), anything a stranger can send is kept small.
/// </summary>
[Collection(ProofCollection.Name)]
public sealed class PostbackStorageTests(FastDispatcherFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("store");

    private static string Sha256(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    private async Task<HttpResponseMessage> PostAsync(byte[] body)
    {
        using var gateway = api.CreateClient();
        return await gateway.PostAsync(body);
    }

    private Task<string?> OutcomesAsync(byte[] body) => api.ScalarAsync<string>(
        "SELECT string_agg(outcome, ',' ORDER BY received_at) FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(body)));

    [Fact]
    public async Task A_genuine_postback_the_database_refuses_is_held_whole_answered_ok_and_applied_by_ops_after_the_fix()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var refuse = "refuse_" + Guid.NewGuid().ToString("N");
        // A stand-in for a bug or a constraint nobody foresaw: the database refuses this one item.
        await api.ScalarAsync<int>($"""
            CREATE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.custom_order_id = '{customId}' THEN
                    RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {refuse} BEFORE INSERT ON gateway_transactions FOR EACH ROW EXECUTE FUNCTION {refuse}();
            SELECT 1
            """);
        var body = TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label);
        HttpResponseMessage response;
        try
        {
            response = await PostAsync(body);
        }
        finally
        {
            await api.ScalarAsync<int>($"DROP TRIGGER {refuse} ON gateway_transactions; DROP FUNCTION {refuse}(); SELECT 1");
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("held", await OutcomesAsync(body));
        Assert.Equal(body.Length, await api.ScalarAsync<int>("SELECT octet_length(body) FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(body))));
        Assert.StartsWith("SQLSTATE 23514", await api.ScalarAsync<string>("SELECT reject_detail FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(body))));
        Assert.Equal("pending_confirmation", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
        Assert.Contains(api.Logs.GetSnapshot(), log => log.Level == Microsoft.Extensions.Logging.LogLevel.Error && log.Message.Contains("held", StringComparison.Ordinal));

        using var ops = api.ClientFor("ops-store", ops: true);
        var heldId = await api.ScalarAsync<Guid>("SELECT id FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(body)));
        var listed = await ops.GetFromJsonAsync<JsonElement>("/api/ops/postbacks?outcome=held&pageSize=200");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == heldId);
        var reverified = await ops.PostAsync($"/api/ops/postbacks/{heldId}/reverify", null);

        Assert.Equal(HttpStatusCode.OK, reverified.StatusCode);
        Assert.Equal("accepted", await OutcomesAsync(body));
        Assert.Equal("confirmed", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
    }

    [Fact]
    public async Task A_rejected_body_is_kept_as_an_excerpt_with_its_length_and_hash()
    {
        var junk = Encoding.UTF8.GetBytes("{\"additional_data\":[],\"signature\":\"" + new string('x', 200 * 1024) + "\"}");

        var response = await PostAsync(junk);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(4096, await api.ScalarAsync<int>("SELECT octet_length(body) FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(junk))));
        Assert.Equal(junk.Length, await api.ScalarAsync<int>("SELECT body_length FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(junk))));
        Assert.True(await api.ScalarAsync<bool>("SELECT body_truncated FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(junk))));
    }

    [Fact]
    public async Task A_replay_with_a_large_unsigned_field_adds_no_row_and_the_original_stays_whole()
    {
        var (_, customId) = await api.ForwardedProofAsync(_label);
        var original = TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label);
        var replay = TestPostbacks.WithTopLevel(original, "comment", new string('z', 200 * 1024));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(original)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(replay)).StatusCode);

        Assert.Equal("accepted", await OutcomesAsync(original));
        Assert.Equal(original.Length, await api.ScalarAsync<int>("SELECT octet_length(body) FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(original))));
        Assert.Null(await OutcomesAsync(replay));
        Assert.Equal(1, await api.ScalarAsync<int>(
            "SELECT r.repeats FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id WHERE p.body_sha256 = @h", ("h", Sha256(original))));
        using var ops = api.ClientFor("ops-store", ops: true);
        var originalId = await api.ScalarAsync<Guid>("SELECT id FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(original)));
        var detail = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/postbacks/{originalId}");
        Assert.Equal(1, detail.GetProperty("repeats").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_duplicate_whose_signed_content_differs_from_the_original_keeps_a_small_row()
    {
        var (_, customId) = await api.ForwardedProofAsync(_label);
        var transactionId = TestPostbacks.NewTransactionId();
        var original = TestPostbacks.For(customId, transactionId, "300", _label);
        // The same transaction, signed again with other content: the same fact, but not a replay of the stored postback.
        var resigned = TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, comment: new string('z', 100 * 1024))], _label);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(original)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(resigned)).StatusCode);

        Assert.Equal("duplicate", await OutcomesAsync(resigned));
        Assert.Equal(1024, await api.ScalarAsync<int>("SELECT octet_length(body) FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(resigned))));
        Assert.Equal(resigned.Length, await api.ScalarAsync<int>("SELECT body_length FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(resigned))));
    }

    [Fact]
    public async Task A_replayed_postback_without_items_is_a_duplicate_by_its_signed_value()
    {
        // An empty signed list is one value however often it is signed: only the first ever stored in
        // this database is accepted (whole), and every later one, this replay above all, is counted on it.
        var original = TestPostbacks.SignedBody(new JsonArray(), _label);
        var replay = TestPostbacks.WithTopLevel(original, "comment", new string('z', 100 * 1024));
        // The signed value is [] however the body is written.
        const string Repeats = """
            SELECT COALESCE(sum(r.repeats), 0)::int FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id
            WHERE p.transaction_count = 0 AND p.signed_sha256 = encode(sha256('[]'::bytea), 'hex')
            """;
        var empty = await api.ScalarAsync<string>(
            "SELECT signed_sha256 FROM postbacks WHERE transaction_count = 0 AND outcome = 'accepted' LIMIT 1");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(original)).StatusCode);
        var before = await api.ScalarAsync<int>(Repeats);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(replay)).StatusCode);

        Assert.Equal(empty is null ? "accepted" : null, await OutcomesAsync(original));
        Assert.Null(await OutcomesAsync(replay));
        Assert.Equal(before + 1, await api.ScalarAsync<int>(Repeats));
    }

    [Theory]
    [InlineData("label", 190)]
    [InlineData("direction", 32)]
    [InlineData("amount", 64)]
    public async Task An_unsigned_field_cut_at_its_column_length_never_splits_a_character(string field, int length)
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var original = TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label);
        foreach (var prefix in new[] { length - 2, length - 1, length })
        {
            var value = new string('a', prefix) + "😀";
            var response = await PostAsync(TestPostbacks.WithTopLevel(original, field, value));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("confirmed", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
    }

    [Theory]
    [InlineData("signature", 128)]
    [InlineData("access_key", 190)]
    public async Task A_refused_field_cut_at_its_column_length_never_splits_a_character(string field, int length)
    {
        var original = TestPostbacks.For("nobody", TestPostbacks.NewTransactionId());
        foreach (var prefix in new[] { length - 2, length - 1, length })
        {
            var body = TestPostbacks.WithTopLevel(original, field, new string('a', prefix) + "😀");
            var response = await PostAsync(body);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("rejected", await OutcomesAsync(body));
        }
    }

    [Fact]
    public async Task Rejected_and_duplicate_rows_past_their_retention_are_deleted_and_accepted_ones_kept_by_any_number_of_instances()
    {
        var (_, customId) = await api.ForwardedProofAsync(_label);
        var transactionId = TestPostbacks.NewTransactionId();
        var accepted = TestPostbacks.For(customId, transactionId, "300", _label);
        // A duplicate row: the same fact signed with other content (a replay of the same content adds no row).
        var duplicate = TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, comment: "again")], _label);
        var rejected = Encoding.UTF8.GetBytes("{\"additional_data\":[],\"note\":\"" + Guid.NewGuid() + "\"}");
        var recent = Encoding.UTF8.GetBytes("{\"additional_data\":[],\"note\":\"" + Guid.NewGuid() + "\"}");
        foreach (var body in new[] { accepted, duplicate, rejected, recent })
        {
            await PostAsync(body);
        }
        foreach (var old in new[] { accepted, duplicate, rejected })
        {
            await api.ScalarAsync<int>("UPDATE postbacks SET received_at = now() - interval '31 days' WHERE body_sha256 = @h RETURNING 1",
                ("h", Sha256(old)));
        }
        var retention = api.Services.GetRequiredService<PostbackRetention>();

        var deleted = await Task.WhenAll(retention.DeleteExpiredAsync(CancellationToken.None), retention.DeleteExpiredAsync(CancellationToken.None));

        Assert.True(deleted.Sum() >= 2);
        Assert.Equal("accepted", await OutcomesAsync(accepted));
        Assert.Null(await OutcomesAsync(duplicate));
        Assert.Null(await OutcomesAsync(rejected));
        Assert.Equal("rejected", await OutcomesAsync(recent));
    }
}

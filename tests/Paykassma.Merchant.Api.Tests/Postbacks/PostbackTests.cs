using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

[Collection(ProofCollection.Name)]
public sealed class PostbackTests(FastDispatcherFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("paid");

    private Task<(Guid DepositId, string CustomId)> ForwardedProofAsync(int claimed = 300) => api.ForwardedProofAsync(_label, claimed);

    private Task<string?> DepositStatusAsync(Guid id) =>
        api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", id));

    private Task<decimal?> ConfirmedAmountAsync(Guid id) =>
        api.ScalarAsync<decimal?>("SELECT confirmed_amount FROM deposits WHERE id = @id", ("id", id));

    private Task<long> TransactionsAsync(string transactionId) =>
        api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId));

    [Fact]
    public async Task A_signed_postback_for_a_forwarded_proof_confirms_the_deposit_with_the_signed_amount()
    {
        var (depositId, customId) = await ForwardedProofAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", _label));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal(300m, await ConfirmedAmountAsync(depositId));
        Assert.False(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM deposits WHERE id = @id", ("id", depositId)));
        using var owner = api.ClientFor(_label);
        var deposit = await owner.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}");
        Assert.Equal("confirmed", deposit.GetProperty("status").GetString());
        Assert.Equal(300m, deposit.GetProperty("confirmedAmount").GetDecimal());
        // One money format: the numeric(20,2) column's 300.00 reads as the announced amount's 300.
        Assert.Equal("300", deposit.GetProperty("confirmedAmount").GetRawText());
        // The gateway's +08:00 datetime is stored as the UTC instant.
        Assert.Equal(new DateTime(2026, 1, 27, 1, 32, 1, DateTimeKind.Utc),
            (await api.ScalarAsync<DateTime>("SELECT activated_at FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId))).ToUniversalTime());
        Assert.Equal(depositId, await api.ScalarAsync<Guid>("SELECT deposit_id FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
    }

    [Fact]
    public async Task A_redelivered_postback_is_answered_ok_stored_once_and_credits_once()
    {
        var (depositId, customId) = await ForwardedProofAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        var body = TestPostbacks.For(customId, transactionId, "300", _label);
        using var gateway = api.CreateClient();

        var first = await gateway.PostAsync(body);
        var second = await gateway.PostAsync(body);
        var otherEncoding = await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", _label, PhpJsonFlags.PrettyPrint));

        Assert.All(new[] { first, second, otherEncoding }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await TransactionsAsync(transactionId));
        Assert.Equal(300m, await ConfirmedAmountAsync(depositId));
        var outcomes = await api.ScalarAsync<string>(
            "SELECT string_agg(outcome, ',' ORDER BY received_at) FROM postbacks WHERE @t = ANY(transaction_ids)", ("t", transactionId));
        Assert.Equal("accepted", outcomes);
        // Both redeliveries carry the same signed content (whatever the wire encoding): counted on the original.
        Assert.Equal(2, await api.ScalarAsync<int>(
            "SELECT r.repeats FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id WHERE @t = ANY(p.transaction_ids)", ("t", transactionId)));
    }

    [Fact]
    public async Task Fifty_concurrent_deliveries_of_one_postback_store_one_transaction_and_all_get_ok()
    {
        var (depositId, customId) = await ForwardedProofAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        var body = TestPostbacks.For(customId, transactionId, "300", _label);
        var clients = Enumerable.Range(0, 50).Select(_ => api.CreateClient()).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsync(body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync())), b => Assert.Equal("""{"status":"ok"}""", b));
        Assert.Equal(1, await TransactionsAsync(transactionId));
        Assert.Equal(300m, await ConfirmedAmountAsync(depositId));
        // Every delivery is accounted for: a row of its own (the original, or a duplicate that raced it and
        // could not yet see it), or a repeat counted on the original once it was committed.
        Assert.Equal(50, await api.ScalarAsync<long>("""
            SELECT count(*) + COALESCE(sum(r.repeats), 0) FROM postbacks p LEFT JOIN postback_repeats r ON r.postback_id = p.id
            WHERE @t = ANY(p.transaction_ids)
            """, ("t", transactionId)));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM postbacks WHERE @t = ANY(transaction_ids) AND outcome = 'accepted'", ("t", transactionId)));
        clients.ForEach(c => c.Dispose());
    }

    [Theory]
    [InlineData(PhpJsonFlags.None)]
    [InlineData(PhpJsonFlags.Signing)]
    [InlineData(PhpJsonFlags.PrettyPrint)]
    [InlineData(PhpJsonFlags.PrettyPrint | PhpJsonFlags.Signing)]
    public async Task Every_wire_encoding_of_a_postback_with_slashes_and_unicode_verifies(PhpJsonFlags wire)
    {
        var transactionId = TestPostbacks.NewTransactionId();
        var item = TestPostbacks.Item(transactionId, "unmatched/" + transactionId, comment: "Paid via mBoB / ref 2026/01 — བྲུག་ཡུལ། ✓ 🇧🇹 \u2028 \"q\" \\ \u0001");
        var body = TestPostbacks.Body([item], label: "ཚེ་རིང་/user", wire: wire);
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await TransactionsAsync(transactionId));
        if (wire == PhpJsonFlags.None)
        {
            Assert.Contains("\\/", TestPostbacks.Utf8(body), StringComparison.Ordinal);
            Assert.Contains("\\u0f56", TestPostbacks.Utf8(body), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Changed_top_level_amount_and_label_on_a_genuine_postback_change_nothing_but_are_recorded()
    {
        var (depositId, customId) = await ForwardedProofAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        // Genuinely signed for 300; the unsigned top level claims 3000 and someone else's label.
        var body = TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, "300")], label: "attacker", topAmount: 3000);
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(300m, await ConfirmedAmountAsync(depositId));
        Assert.Equal(300m, await api.ScalarAsync<decimal>("SELECT amount FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
        var discrepancies = await api.ScalarAsync<string>(
            "SELECT discrepancies::text FROM postbacks WHERE @t = ANY(transaction_ids)", ("t", transactionId));
        using var parsed = JsonDocument.Parse(discrepancies!);
        var fields = parsed.RootElement.EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToList();
        Assert.Contains("amount", fields);
        Assert.Contains("label", fields);
    }

    [Fact]
    public async Task A_signed_amount_other_than_claimed_confirms_with_the_signed_amount_and_flags_it()
    {
        var (depositId, customId) = await ForwardedProofAsync(claimed: 300);
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "250", _label, topAmount: 250));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal(250m, await ConfirmedAmountAsync(depositId));
        Assert.True(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM deposits WHERE id = @id", ("id", depositId)));
    }

    [Fact]
    public async Task Two_signed_transactions_for_one_proof_add_up_each_once()
    {
        var (depositId, customId) = await ForwardedProofAsync(claimed: 450);
        var a = TestPostbacks.NewTransactionId();
        var b = TestPostbacks.NewTransactionId();
        var body = TestPostbacks.Body([TestPostbacks.Item(a, customId, "300"), TestPostbacks.Item(b, customId, "150")], label: _label);
        using var gateway = api.CreateClient();

        await gateway.PostAsync(body);
        await gateway.PostAsync(body);

        Assert.Equal(450m, await ConfirmedAmountAsync(depositId));
        Assert.False(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM deposits WHERE id = @id", ("id", depositId)));
    }

    [Fact]
    public async Task A_late_or_repeated_postback_never_moves_a_confirmed_deposit_back()
    {
        var (depositId, customId) = await ForwardedProofAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", _label));
        Assert.Equal("confirmed", await DepositStatusAsync(depositId));

        // A second proof's forwarding, a redelivery and the dispatcher cannot undo it.
        await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", _label));
        await api.ScalarAsync<int>("UPDATE proofs SET status = 'queued', next_attempt_at = now() WHERE deposit_id = @d", ("d", depositId));
        await Task.Delay(1000);

        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal(300m, await ConfirmedAmountAsync(depositId));
    }

    [Fact]
    public async Task A_postback_while_the_proof_is_still_queued_confirms_the_deposit_and_stops_its_delivery()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label, "down", status: 503);
        using var client = api.ClientFor(_label);
        var upload = await client.UploadAsync(depositId, ProofScript.Form());
        var proof = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", proof.GetProperty("status").GetString());
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.For(proof.GetProperty("customTransactionId").GetString()!, TestPostbacks.NewTransactionId(), "300", _label));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal("forwarded", await api.ScalarAsync<string>("SELECT status FROM proofs WHERE deposit_id = @d", ("d", depositId)));
    }

    [Theory]
    [InlineData("failed", "forwarded")] // the dispatcher gave up, yet the gateway had it
    [InlineData("queued", "forwarded")]
    [InlineData("submitting", "forwarded")]
    [InlineData("rejected", "rejected")] // the gateway said no to this proof: that answer stands
    public async Task A_postback_marks_a_waiting_or_failed_proof_forwarded_and_leaves_a_rejected_one(string before, string after)
    {
        var (depositId, customId) = await ForwardedProofAsync();
        await api.ScalarAsync<int>("UPDATE proofs SET status = @s WHERE deposit_id = @d", ("s", before), ("d", depositId));
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal(after, await api.ScalarAsync<string>("SELECT status FROM proofs WHERE deposit_id = @d", ("d", depositId)));
    }

    [Fact]
    public async Task A_redelivery_with_someone_elses_unsigned_label_is_recorded_as_a_discrepancy_too()
    {
        var (depositId, customId) = await ForwardedProofAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, "300")], label: _label));

        var response = await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, "300")], label: "attacker"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(300m, await ConfirmedAmountAsync(depositId));
        // A replay adds no row: the original counts it, with what its unsigned fields claimed.
        var recorded = await api.ScalarAsync<string>("""
            SELECT r.discrepant_repeats || ' ' || r.last_discrepancies::text FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id
            WHERE @t = ANY(p.transaction_ids)
            """, ("t", transactionId));
        Assert.StartsWith("1 ", recorded, StringComparison.Ordinal);
        Assert.Contains($"\"signed\": \"{_label}\"", recorded, StringComparison.Ordinal);
        Assert.Contains("\"unsigned\": \"attacker\"", recorded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postback_during_the_proofs_own_gateway_call_confirms_the_deposit_and_the_proof_ends_forwarded()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label, delay: TimeSpan.FromSeconds(2));
        using var client = api.ClientFor(_label);
        var uploading = client.UploadAsync(depositId, ProofScript.Form());
        var customId = await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT custom_transaction_id FROM proofs WHERE deposit_id = @d", ("d", depositId)), c => c is not null);
        using var gateway = api.CreateClient();

        var postback = await gateway.PostAsync(TestPostbacks.For(customId!, TestPostbacks.NewTransactionId(), "300", _label));
        var upload = await uploading;

        Assert.Equal(HttpStatusCode.OK, postback.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        Assert.Equal("forwarded", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
    }

    [Fact]
    public async Task A_signed_transaction_matching_no_proof_is_kept_unmatched_and_answered_ok()
    {
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.For("pm_nobody_knows_" + transactionId, transactionId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await TransactionsAsync(transactionId));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(deposit_id) FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
        using var ops = api.ClientFor("ops", ops: true);
        var unmatched = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/transactions?transactionId={transactionId}&matched=false");
        Assert.Single(unmatched.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_withdrawal_postback_is_verified_and_stored_as_outgoing()
    {
        var transactionId = TestPostbacks.NewTransactionId();
        var item = TestPostbacks.Item(transactionId, null, withdrawal: true);
        var body = TestPostbacks.Body([item], direction: "outgoing");
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("outgoing", await api.ScalarAsync<string>("SELECT direction FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
        Assert.Equal(item["withdrawal_id"]!.ToJsonString(), await api.ScalarAsync<string>("SELECT withdrawal_id FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT withdrawal_status FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// A postback whose signature verifies is the gateway's word, whatever its items hold: it is stored
/// and answered ok, an item that cannot credit is kept with the reason and listed for ops, and
/// nothing is credited from it. Any other answer would make the gateway resend it forever.
/// </summary>
[Collection(ProofCollection.Name)]
public sealed class GenuinePostbackTests(FastDispatcherFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("odd");

    private Task<string?> DepositStatusAsync(Guid id) =>
        api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", id));

    private Task<string?> ReasonAsync(string customId) =>
        api.ScalarAsync<string>("SELECT unapplied_reason FROM gateway_transactions WHERE custom_order_id = @c", ("c", customId));

    private async Task<HttpResponseMessage> PostAsync(byte[] body)
    {
        using var gateway = api.CreateClient();
        return await gateway.PostAsync(body);
    }

    private static async Task AssertOkAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("\"300 BTN\"", "amount_unreadable")]
    [InlineData("null", "amount_unreadable")]
    [InlineData("\"1e29\"", "amount_unreadable")]
    [InlineData("\"\"", "amount_unreadable")]
    [InlineData("\"-300\"", "amount_not_positive")]
    [InlineData("0", "amount_not_positive")]
    [InlineData("\"1e15\"", "amount_too_large")]
    public async Task A_genuine_item_whose_amount_cannot_credit_is_stored_flagged_and_answered_ok(string amountJson, string reason)
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var item = TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId);
        item["amount"] = JsonNode.Parse(amountJson);
        var body = TestPostbacks.Body([item], _label);

        var first = await PostAsync(body);
        var again = await PostAsync(body);

        await AssertOkAsync(first);
        await AssertOkAsync(again);
        Assert.Equal(reason, await ReasonAsync(customId));
        Assert.False(await api.ScalarAsync<bool>("SELECT applied FROM gateway_transactions WHERE custom_order_id = @c", ("c", customId)));
        Assert.Equal(depositId, await api.ScalarAsync<Guid>("SELECT deposit_id FROM gateway_transactions WHERE custom_order_id = @c", ("c", customId)));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE custom_order_id = @c", ("c", customId)));
        Assert.Equal("pending_confirmation", await DepositStatusAsync(depositId));
        Assert.Null(await api.ScalarAsync<decimal?>("SELECT confirmed_amount FROM deposits WHERE id = @id", ("id", depositId)));
    }

    [Theory]
    [InlineData(null, "no_currency")]
    [InlineData("", "no_currency")]
    [InlineData("INR", "currency_mismatch")]
    public async Task A_genuine_item_without_our_currency_is_stored_flagged_and_credits_nothing(string? currency, string reason)
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var item = TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId);
        if (currency is null)
        {
            item.Remove("currency_code");
        }
        else
        {
            item["currency_code"] = currency;
        }

        await AssertOkAsync(await PostAsync(TestPostbacks.Body([item], _label)));

        Assert.Equal(reason, await ReasonAsync(customId));
        Assert.Equal("pending_confirmation", await DepositStatusAsync(depositId));
    }

    [Fact]
    public async Task Ops_list_the_items_that_credited_nothing_with_their_reason()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var item = TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId, amount: "300 BTN");
        await AssertOkAsync(await PostAsync(TestPostbacks.Body([item], _label)));
        using var ops = api.ClientFor("ops-odd", ops: true);

        var flagged = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/transactions?unapplied=true&customOrderId={customId}");
        var byReason = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/transactions?reason=amount_unreadable&depositId={depositId}");
        var badReason = await ops.GetAsync("/api/ops/transactions?reason=whatever");

        var listed = Assert.Single(flagged.GetProperty("items").EnumerateArray());
        Assert.Equal("amount_unreadable", listed.GetProperty("unappliedReason").GetString());
        Assert.False(listed.GetProperty("applied").GetBoolean());
        Assert.Equal("300 BTN", listed.GetProperty("amountText").GetString());
        Assert.Single(byReason.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, badReason.StatusCode);
    }

    [Theory]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("2026-02-30 10:00:00")]
    [InlineData("0000-00-00 00:00:00")]
    [InlineData("yesterday")]
    public async Task A_date_that_names_no_instant_is_kept_as_text_and_the_deposit_still_confirms(string activated)
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var transactionId = TestPostbacks.NewTransactionId();

        await AssertOkAsync(await PostAsync(TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, activated: activated)], _label)));

        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Null(await api.ScalarAsync<DateTime?>("SELECT activated_at FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
        Assert.Equal(activated, await api.ScalarAsync<string>("SELECT activated_text FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
    }

    [Fact]
    public async Task An_item_without_a_transaction_id_beside_a_deposit_is_kept_once_and_the_deposit_confirms()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var withoutId = TestPostbacks.Item("unused", "odd-" + customId);
        withoutId["transaction_id"] = null;
        var body = TestPostbacks.Body([TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId), withoutId], _label);

        await AssertOkAsync(await PostAsync(body));
        await AssertOkAsync(await PostAsync(body));

        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal("no_transaction_id", await ReasonAsync("odd-" + customId));
        Assert.Equal(1, await api.ScalarAsync<long>(
            "SELECT count(*) FROM gateway_transactions WHERE custom_order_id = @c AND transaction_id IS NULL AND item_sha256 IS NOT NULL",
            ("c", "odd-" + customId)));
        // The redelivery is a replay of the stored postback: counted on it, no row of its own.
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        Assert.Equal("accepted", await api.ScalarAsync<string>(
            "SELECT string_agg(outcome, ',' ORDER BY received_at) FROM postbacks WHERE body_sha256 = @h", ("h", sha256)));
        Assert.Equal(1, await api.ScalarAsync<int>(
            "SELECT r.repeats FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id WHERE p.body_sha256 = @h", ("h", sha256)));
    }

    [Fact]
    public async Task Signed_data_that_is_an_object_keyed_by_index_verifies_and_confirms_its_deposits()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var (otherDeposit, otherCustomId) = await api.ForwardedProofAsync(_label);
        // A PHP collection filtered down to its items 1 and 3 keeps those keys: json_encode writes an object.
        var filtered = new JsonObject
        {
            ["1"] = TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId),
            ["3"] = TestPostbacks.Item(TestPostbacks.NewTransactionId(), otherCustomId),
        };

        await AssertOkAsync(await PostAsync(TestPostbacks.SignedBody(filtered, _label)));

        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal("confirmed", await DepositStatusAsync(otherDeposit));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"text\"")]
    [InlineData("[7]")]
    public async Task Signed_data_that_holds_no_object_is_stored_and_answered_ok(string signedJson)
    {
        var body = TestPostbacks.SignedBody(JsonNode.Parse(signedJson), _label);

        var response = await PostAsync(body);

        await AssertOkAsync(response);
        Assert.Equal("not_an_object", await api.ScalarAsync<string>(
            "SELECT g.unapplied_reason FROM gateway_transactions g JOIN postbacks p ON p.id = g.postback_id WHERE p.body_sha256 = @h",
            ("h", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)))));
    }

    [Theory]
    [InlineData(PhpJsonFlags.None)]
    [InlineData(PhpJsonFlags.Signing)]
    public async Task A_legacy_postback_signed_with_or_without_flags_confirms_its_deposit(PhpJsonFlags signedWith)
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);

        await AssertOkAsync(await PostAsync(TestPostbacks.LegacyBody(TestPostbacks.NewTransactionId(), customId, signedWith, label: _label)));

        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
    }

    [Fact]
    public async Task A_legacy_postback_signed_with_a_foreign_key_is_still_refused_in_either_encoding()
    {
        var body = TestPostbacks.LegacyBody(TestPostbacks.NewTransactionId(), "nobody", PhpJsonFlags.None);
        var forged = TestPostbacks.WithTopLevel(body, "signature", new string('a', 40));

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task An_unsigned_outgoing_direction_cannot_hide_a_deposit()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);

        await AssertOkAsync(await PostAsync(TestPostbacks.Body([TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId)], _label,
            direction: "outgoing")));

        Assert.Equal("confirmed", await DepositStatusAsync(depositId));
        Assert.Equal("ingoing", await api.ScalarAsync<string>("SELECT direction FROM gateway_transactions WHERE custom_order_id = @c", ("c", customId)));
    }

    [Fact]
    public async Task An_unsigned_ingoing_direction_cannot_make_a_signed_withdrawal_credit()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);

        await AssertOkAsync(await PostAsync(TestPostbacks.Body([TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId, withdrawal: true)],
            _label, direction: "ingoing")));

        Assert.Equal("pending_confirmation", await DepositStatusAsync(depositId));
        Assert.Equal("outgoing", await api.ScalarAsync<string>("SELECT direction FROM gateway_transactions WHERE custom_order_id = @c", ("c", customId)));
        Assert.Equal("no_matching_payout", await ReasonAsync(customId));
    }

    [Fact]
    public async Task Two_postbacks_for_two_proofs_of_one_deposit_arriving_together_confirm_the_sum_without_a_mismatch()
    {
        for (var round = 0; round < 8; round++)
        {
            var (depositId, first) = await api.ForwardedProofAsync(_label, claimed: 300);
            var second = await api.ForwardedProofAsync(_label, depositId, claimed: 200);
            var bodies = new[]
            {
                TestPostbacks.For(first, TestPostbacks.NewTransactionId(), "300", _label),
                TestPostbacks.For(second, TestPostbacks.NewTransactionId(), "200", _label),
            };

            var answers = await Task.WhenAll(bodies.Select(PostAsync));

            Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
            Assert.Equal(500m, await api.ScalarAsync<decimal>("SELECT confirmed_amount FROM deposits WHERE id = @id", ("id", depositId)));
            Assert.False(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM deposits WHERE id = @id", ("id", depositId)),
                $"round {round}: two matching proofs flagged as a mismatch");
        }
    }

    [Fact]
    public async Task A_proof_credited_twice_by_two_payments_counts_its_claim_once_and_is_flagged()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label, claimed: 300);

        await AssertOkAsync(await PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label)));
        await AssertOkAsync(await PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label)));

        Assert.Equal(600m, await api.ScalarAsync<decimal>("SELECT confirmed_amount FROM deposits WHERE id = @id", ("id", depositId)));
        Assert.True(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM deposits WHERE id = @id", ("id", depositId)));
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT cardinality(credited_proof_ids) FROM deposits WHERE id = @id", ("id", depositId)));
    }
}

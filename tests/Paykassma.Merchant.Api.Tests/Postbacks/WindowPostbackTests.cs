using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// A payment window deposit is confirmed by the signed postback that brings its custom_transaction_id
/// back as plugin_custom_order_id, through the same statement and with the same guarantees as a proof's.
/// </summary>
[Collection(ProofCollection.Name)]
public sealed class WindowPostbackTests(FastDispatcherFactory api, ITestOutputHelper output)
{
    private readonly string _label = GatewayScript.NewLabel("window");

    private async Task<(Guid Id, string CustomId)> WindowDepositAsync(int? amount = 300)
    {
        using var client = api.ClientFor(_label);
        var response = await client.PostAsJsonAsync("/api/deposits/window", new { amount });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deposit").GetProperty("id").GetGuid();
        return (id, "pw_" + id.ToString("N"));
    }

    private Task<string?> Column(Guid depositId, string column) =>
        api.ScalarAsync<string>($"SELECT {column}::text FROM deposits WHERE id = @id", ("id", depositId));

    private Task<string?> TransactionColumn(string transactionId, string column) =>
        api.ScalarAsync<string>($"SELECT {column}::text FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId));

    [Fact]
    public async Task A_signed_postback_for_a_window_deposit_confirms_it_with_the_signed_amount()
    {
        var (depositId, customId) = await WindowDepositAsync(300);
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", _label));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("confirmed", await Column(depositId, "status"));
        Assert.Equal("300.00", await Column(depositId, "confirmed_amount"));
        Assert.Equal("false", await Column(depositId, "amount_mismatch"));
        Assert.Equal("{}", await Column(depositId, "credited_proof_ids"));
        Assert.Equal(depositId.ToString(), await TransactionColumn(transactionId, "deposit_id"));
        Assert.Null(await TransactionColumn(transactionId, "proof_id"));
        Assert.Equal("true", await TransactionColumn(transactionId, "applied"));
        using var owner = api.ClientFor(_label);
        var deposit = await owner.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}");
        Assert.Equal("confirmed", deposit.GetProperty("status").GetString());
        Assert.Equal(300m, deposit.GetProperty("confirmedAmount").GetDecimal());
        // Counted as a credited deposit (the metric is fed from the same number as this log line).
        var postbackId = await api.ScalarAsync<Guid>(
            "SELECT id FROM postbacks WHERE @t = ANY(transaction_ids) AND outcome = 'accepted'", ("t", transactionId));
        Assert.Contains(api.Logs.GetSnapshot(), log => log.Message.Contains(postbackId.ToString(), StringComparison.Ordinal)
                                                      && log.Message.Contains("1 deposit(s) confirmed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redelivered_window_postback_is_answered_ok_stored_once_and_changes_nothing()
    {
        var (depositId, customId) = await WindowDepositAsync(300);
        var transactionId = TestPostbacks.NewTransactionId();
        var body = TestPostbacks.For(customId, transactionId, "300", _label);
        using var gateway = api.CreateClient();
        await gateway.PostAsync(body);
        var confirmedRow = await Column(depositId, "(confirmed_amount, confirmed_at, updated_at, amount_mismatch)");

        var repeats = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => gateway.PostAsync(body)));

        Assert.All(repeats, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
        Assert.Equal(confirmedRow, await Column(depositId, "(confirmed_amount, confirmed_at, updated_at, amount_mismatch)"));
        // The original was committed before these: each is counted on it, and none adds a row.
        Assert.Equal(0L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM postbacks WHERE @t = ANY(transaction_ids) AND outcome = 'duplicate'", ("t", transactionId)));
        Assert.Equal(10, await api.ScalarAsync<int>(
            "SELECT r.repeats FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id WHERE @t = ANY(p.transaction_ids)", ("t", transactionId)));
    }

    [Fact]
    public async Task A_window_postback_in_another_currency_is_kept_unapplied_and_credits_nothing()
    {
        var (depositId, customId) = await WindowDepositAsync(300);
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, "300", currency: "INR")], label: _label));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("currency_mismatch", await TransactionColumn(transactionId, "unapplied_reason"));
        Assert.Equal(depositId.ToString(), await TransactionColumn(transactionId, "deposit_id"));
        Assert.Equal("awaiting_payment", await Column(depositId, "status"));
        Assert.Null(await Column(depositId, "confirmed_amount"));
    }

    [Theory]
    [InlineData(300, "250", true)] // the window fixed 300: the signed 250 confirms, flagged
    [InlineData(300, "300", false)]
    [InlineData(null, "250", false)] // no fixed amount: nothing to differ from
    public async Task A_signed_amount_is_held_against_the_window_deposits_fixed_amount(int? fixedAmount, string signed, bool mismatch)
    {
        var (depositId, customId) = await WindowDepositAsync(fixedAmount);
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();

        await gateway.PostAsync(TestPostbacks.For(customId, transactionId, signed, _label));

        Assert.Equal("confirmed", await Column(depositId, "status"));
        Assert.Equal(decimal.Parse(signed, System.Globalization.CultureInfo.InvariantCulture),
            await api.ScalarAsync<decimal>("SELECT confirmed_amount FROM deposits WHERE id = @id", ("id", depositId)));
        Assert.Equal(mismatch ? "true" : "false", await Column(depositId, "amount_mismatch"));
        Assert.Equal(mismatch ? "true" : "false", await TransactionColumn(transactionId, "amount_mismatch"));
    }

    [Fact]
    public async Task A_second_signed_transaction_adds_up_and_is_flagged_against_the_fixed_amount()
    {
        var (depositId, customId) = await WindowDepositAsync(300);
        using var gateway = api.CreateClient();

        await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label));
        await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label));

        Assert.Equal("600.00", await Column(depositId, "confirmed_amount"));
        Assert.Equal("true", await Column(depositId, "amount_mismatch"));
    }

    [Fact]
    public async Task Someone_elses_unsigned_label_is_a_discrepancy_and_a_late_postback_is_flagged()
    {
        var (depositId, customId) = await WindowDepositAsync(300);
        await api.ScalarAsync<int>("UPDATE deposits SET status = 'expired', expired_at = now() WHERE id = @id RETURNING 1", ("id", depositId));
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(transactionId, customId, "300")], label: "attacker"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("confirmed", await Column(depositId, "status"));
        Assert.Equal("true", await Column(depositId, "confirmed_after_expiry"));
        var discrepancies = await api.ScalarAsync<string>(
            "SELECT discrepancies::text FROM postbacks WHERE @t = ANY(transaction_ids)", ("t", transactionId));
        Assert.Contains($"\"signed\": \"{_label}\"", discrepancies, StringComparison.Ordinal);
        Assert.Contains("\"unsigned\": \"attacker\"", discrepancies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proofs_id_never_confirms_a_window_deposit_and_a_window_id_never_a_proofs_deposit()
    {
        var (windowId, windowCustomId) = await WindowDepositAsync(300);
        var (proofDepositId, proofCustomId) = await api.ForwardedProofAsync(_label);
        using var gateway = api.CreateClient();
        // Each id with the other's prefix: what a mix-up of the two kinds of ids would look like.
        var swappedWindow = "pm_" + windowCustomId[3..];
        var swappedProof = "pw_" + proofCustomId[3..];
        foreach (var stranger in new[] { swappedWindow, swappedProof })
        {
            var transactionId = TestPostbacks.NewTransactionId();
            await gateway.PostAsync(TestPostbacks.For(stranger, transactionId, "300", _label));
            Assert.Equal("no_matching_proof", await TransactionColumn(transactionId, "unapplied_reason"));
        }
        Assert.Equal("awaiting_payment", await Column(windowId, "status"));
        Assert.Equal("pending_confirmation", await Column(proofDepositId, "status"));

        var forProof = TestPostbacks.NewTransactionId();
        await gateway.PostAsync(TestPostbacks.For(proofCustomId, forProof, "300", _label));
        Assert.Equal("confirmed", await Column(proofDepositId, "status"));
        Assert.Equal("awaiting_payment", await Column(windowId, "status"));

        var forWindow = TestPostbacks.NewTransactionId();
        await gateway.PostAsync(TestPostbacks.For(windowCustomId, forWindow, "300", _label));
        Assert.Equal("confirmed", await Column(windowId, "status"));
        Assert.Equal(windowId.ToString(), await TransactionColumn(forWindow, "deposit_id"));
        Assert.Equal("300.00", await Column(proofDepositId, "confirmed_amount"));
    }

    /// <summary>
    /// The plan each pooled connection keeps for the statement: the window's join must stay a probe of its
    /// partial unique index (usable because the join's equality implies NOT NULL), never a scan of deposits.
    /// </summary>
    [Fact]
    public async Task The_window_match_is_a_probe_of_its_unique_index_in_the_generic_plan()
    {
        api.CreateClient().Dispose(); // the service, so its migrations, run
        var plan = await GenericPlans.ExplainAsync(api.ConnectionString, PostbackStatements.StoreOne);
        output.WriteLine(plan);

        Assert.Contains("Index Scan using ux_deposits_custom_transaction_id on deposits w", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on deposits w", plan, StringComparison.Ordinal);
    }
}

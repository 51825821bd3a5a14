using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Attention;

/// <summary>
/// GET /api/ops/attention: each kind of stuck money appears when its condition holds, and not before
/// (thresholds crossed by moving the stored time back, as the clock would). Money in: proofs, deposits,
/// postbacks and their signed items.
/// </summary>
[Collection(AttentionCollection.Name)]
public sealed partial class AttentionTests(AttentionApiFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("attn");

    [Fact]
    public async Task A_forwarded_proof_without_a_postback_is_listed_after_two_hours_still_when_expired_and_gone_once_confirmed()
    {
        var depositId = await api.CreateDepositAsync(_label, amount: 300);
        var customId = await api.ForwardedProofAsync(_label, depositId, claimed: 300);
        var forwardedAt = await api.ScalarAsync<DateTime?>("SELECT proof_forwarded_at FROM deposits WHERE id = @id", ("id", depositId));
        Assert.NotNull(forwardedAt);
        Assert.Empty(await api.EntriesOfAsync(depositId));

        await api.ExecAsync("UPDATE deposits SET proof_forwarded_at = now() - interval '2 hours 1 minute' WHERE id = @id", ("id", depositId));

        var entry = await api.OnlyEntryAsync(depositId, "proof_unconfirmed");
        Assert.Equal(("deposit", 300m, "BTN"),
            (entry.GetProperty("subjectType").GetString(), entry.GetProperty("amount").GetDecimal(), entry.GetProperty("currency").GetString()));
        Assert.Contains(customId, entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var resolve = entry.GetProperty("resolve").EnumerateArray().ToList();
        Assert.Equal(("GET", $"/api/ops/deposits/{depositId}"), (resolve[0].GetProperty("method").GetString(), resolve[0].GetProperty("path").GetString()));
        Assert.Equal($"/api/ops/transactions?customOrderId={customId}", resolve[1].GetProperty("path").GetString());

        // Expired while waiting: the user's money is still owed a postback.
        await api.ExecAsync("UPDATE deposits SET created_at = now() - interval '73 hours' WHERE id = @id", ("id", depositId));
        await api.Services.GetRequiredService<DepositExpiry>().ExpireDueAsync(CancellationToken.None);
        Assert.Equal("expired", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
        var expired = await api.OnlyEntryAsync(depositId, "proof_unconfirmed");
        Assert.Contains("expired", expired.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label));
        Assert.Empty(await api.EntriesOfAsync(depositId));
    }

    [Fact]
    public async Task A_proof_accepted_after_its_deposit_expired_is_owed_a_postback_too()
    {
        var (depositId, proofId) = await api.QueuedProofAsync(_label);
        await api.ExecAsync("UPDATE deposits SET created_at = now() - interval '73 hours' WHERE id = @id", ("id", depositId));
        await api.Services.GetRequiredService<DepositExpiry>().ExpireDueAsync(CancellationToken.None);
        Assert.Empty(await api.EntriesOfAsync(depositId));

        // The gateway is back and takes the queued proof; the deposit stays expired.
        api.Gateway.AnswersProof(_label);
        await api.ExecAsync("UPDATE proofs SET next_attempt_at = now() WHERE id = @id", ("id", proofId));
        Assert.Equal("forwarded", await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT status FROM proofs WHERE id = @id", ("id", proofId)), s => s == "forwarded"));
        await api.ExecAsync("UPDATE deposits SET proof_forwarded_at = proof_forwarded_at - interval '3 hours' WHERE id = @id", ("id", depositId));

        Assert.Equal("expired", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
        await api.OnlyEntryAsync(depositId, "proof_unconfirmed");
    }

    [Fact]
    public async Task A_proof_is_listed_as_queued_after_its_first_retry_and_as_failed_once_given_up()
    {
        var (depositId, proofId) = await api.QueuedProofAsync(_label);
        Assert.Empty(await api.EntriesOfAsync(proofId));

        await api.ExecAsync("UPDATE proofs SET attempts = 2, last_error = 'timeout' WHERE id = @id", ("id", proofId));
        var queued = await api.OnlyEntryAsync(proofId, "proof_queued");
        Assert.Equal(("proof", 300m), (queued.GetProperty("subjectType").GetString(), queued.GetProperty("amount").GetDecimal()));
        Assert.Contains("timeout", queued.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/api/ops/deposits/{depositId}", Assert.Single(queued.GetProperty("resolve").EnumerateArray()).GetProperty("path").GetString());

        // What the dispatcher does after the last attempt.
        await api.ExecAsync("UPDATE proofs SET status = 'failed', next_attempt_at = NULL, updated_at = now() WHERE id = @id", ("id", proofId));
        var failed = await api.OnlyEntryAsync(proofId, "proof_failed");
        var retry = failed.GetProperty("resolve").EnumerateArray().First();
        Assert.Equal(("POST", $"/api/ops/proofs/{proofId}/retry"), (retry.GetProperty("method").GetString(), retry.GetProperty("path").GetString()));
        Assert.Contains("reason", retry.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deposit_confirmed_for_another_amount_than_asked_is_listed_with_the_signed_amount()
    {
        var depositId = await api.CreateDepositAsync(_label, amount: 300);
        var customId = await api.ForwardedProofAsync(_label, depositId, claimed: 250);
        Assert.Empty(await api.EntriesOfAsync(depositId));

        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "250", _label));

        var entry = await api.OnlyEntryAsync(depositId, "deposit_amount_differs");
        Assert.Equal((250m, "BTN"), (entry.GetProperty("amount").GetDecimal(), entry.GetProperty("currency").GetString()));
        Assert.Contains("asked 300 BTN", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("confirmed for 250 BTN", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(await api.ScalarAsync<DateTime>("SELECT updated_at FROM deposits WHERE id = @id", ("id", depositId)),
            entry.GetProperty("since").GetDateTimeOffset().UtcDateTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task A_signed_item_that_credits_nothing_is_listed_but_not_a_status_agreeing_with_a_settled_payout()
    {
        var itemId = await api.UnmatchedItemAsync(amount: "450");

        var entry = await api.OnlyEntryAsync(itemId, "item_unapplied");
        Assert.Equal(("transaction", 450m), (entry.GetProperty("subjectType").GetString(), entry.GetProperty("amount").GetDecimal()));
        Assert.Contains("no_matching_proof", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var postbackId = await api.ScalarAsync<Guid>("SELECT postback_id FROM gateway_transactions WHERE id = @id", ("id", itemId));
        Assert.Equal($"/api/ops/postbacks/{postbackId}", entry.GetProperty("resolve")[0].GetProperty("path").GetString());

        // Paid, then a late interim status: stored as payout_already_settled, nothing to do.
        var payoutId = await api.PayoutAsync(_label, PayoutScript.Ok);
        await api.PostWithdrawalStatusAsync(payoutId, 1);
        await api.PostWithdrawalStatusAsync(payoutId, 3);
        var settled = await api.ScalarAsync<Guid>(
            "SELECT id FROM gateway_transactions WHERE payout_id = @p AND unapplied_reason = 'payout_already_settled'", ("p", payoutId));
        Assert.NotEqual(Guid.Empty, settled);
        Assert.Empty(await api.EntriesOfAsync(settled));
    }

    [Fact]
    public async Task A_held_postback_is_listed_until_ops_reverify_it()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label);
        var refuse = "refuse_" + Guid.NewGuid().ToString("N");
        await api.ExecAsync($"""
            CREATE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.custom_order_id = '{customId}' THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {refuse} BEFORE INSERT ON gateway_transactions FOR EACH ROW EXECUTE FUNCTION {refuse}()
            """);
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", _label))).StatusCode);
        }
        finally
        {
            await api.ExecAsync($"DROP TRIGGER {refuse} ON gateway_transactions; DROP FUNCTION {refuse}()");
        }
        var heldId = await api.ScalarAsync<Guid>("SELECT id FROM postbacks WHERE outcome = 'held' AND @t = ANY (transaction_ids)", ("t", transactionId));

        var entry = await api.OnlyEntryAsync(heldId, "postback_held");
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("amount").ValueKind);
        Assert.Contains("SQLSTATE 23514", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var reverify = entry.GetProperty("resolve")[0];
        Assert.Equal(("POST", $"/api/ops/postbacks/{heldId}/reverify"), (reverify.GetProperty("method").GetString(), reverify.GetProperty("path").GetString()));

        using var ops = api.Ops();
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/api/ops/postbacks/{heldId}/reverify", null)).StatusCode);
        Assert.Empty(await api.EntriesOfAsync(heldId));
        Assert.Equal("confirmed", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
    }
}

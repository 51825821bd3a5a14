using System.Net;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>The signed outgoing postback settles a payout by its signed withdrawal_id, once, never backwards.</summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutSettlementTests(PayoutApiFactory api)
{
    private async Task<(Guid Id, string WithdrawalId)> SentPayoutAsync(string label, int amount = 1020)
    {
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label, amount), "p-" + label)).JsonAsync();
        Assert.Equal("sent", payout.GetProperty("status").GetString());
        return (payout.GetProperty("id").GetGuid(), payout.GetProperty("withdrawalId").GetString()!);
    }

    private async Task<string> PostbackAsync(string withdrawalId, int status, string amount = "1020.00", string? transactionId = null,
        string label = "labeluser", string direction = "outgoing")
    {
        var body = TestPostbacks.Body(
            [TestPostbacks.PayoutItem(transactionId ?? TestPostbacks.NewTransactionId(), withdrawalId, status, amount)],
            label: label, direction: direction);
        var response = await api.CreateClient().PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestPostbacks.StatusOf(response);
    }

    private Task<string?> StatusAsync(Guid id) => api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id));

    private Task<string?> ReasonAsync(string transactionId) =>
        api.ScalarAsync<string>("SELECT coalesce(unapplied_reason, 'applied') FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId));

    [Fact]
    public async Task A_paid_status_settles_the_payout_once_and_a_redelivery_changes_nothing()
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());
        var transaction = TestPostbacks.NewTransactionId();

        Assert.Equal("ok", await PostbackAsync(withdrawalId, 1, transactionId: transaction));
        Assert.Equal("paid", await StatusAsync(id));
        var settledAt = await api.ScalarAsync<DateTime>("SELECT settled_at FROM payouts WHERE id = @id", ("id", id));

        Assert.Equal("ok", await PostbackAsync(withdrawalId, 1, transactionId: transaction));
        Assert.Equal("paid", await StatusAsync(id));
        Assert.Equal(settledAt, await api.ScalarAsync<DateTime>("SELECT settled_at FROM payouts WHERE id = @id", ("id", id)));
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT count(*) FROM gateway_transactions WHERE payout_id = @id", ("id", id)));
        Assert.Equal(1020m, await api.ScalarAsync<decimal>("SELECT settled_amount FROM payouts WHERE id = @id", ("id", id)));
        Assert.False(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM payouts WHERE id = @id", ("id", id)));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task A_cancelled_status_cancels_the_payout(int status)
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());

        await PostbackAsync(withdrawalId, status);

        Assert.Equal("cancelled", await StatusAsync(id));
        Assert.Equal(status, await api.ScalarAsync<int>("SELECT withdrawal_status FROM payouts WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task An_unknown_status_is_stored_and_flagged_and_the_payout_stays_sent()
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());
        var transaction = TestPostbacks.NewTransactionId();

        // In none of Payouts:PaidStatuses, CancelledStatuses, InterimStatuses.
        await PostbackAsync(withdrawalId, 9, transactionId: transaction);

        Assert.Equal("sent", await StatusAsync(id));
        Assert.Equal("unknown_withdrawal_status", await ReasonAsync(transaction));
        var flagged = await (await api.OpsClient("ops-x").GetAsync("/api/ops/transactions?reason=unknown_withdrawal_status")).Content.ReadAsStringAsync();
        Assert.Contains(transaction, flagged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Statuses_never_move_backwards_a_cancellation_after_payment_is_kept_and_flagged()
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());
        await PostbackAsync(withdrawalId, 1);
        var late = TestPostbacks.NewTransactionId();

        await PostbackAsync(withdrawalId, 6, transactionId: late);

        Assert.Equal("paid", await StatusAsync(id));
        Assert.Equal("status_conflict", await ReasonAsync(late));
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT withdrawal_status FROM payouts WHERE id = @id", ("id", id)));
        Assert.True(await api.ScalarAsync<bool>("SELECT status_conflict FROM payouts WHERE id = @id", ("id", id)));
        Assert.Equal(6, await api.ScalarAsync<int>("SELECT conflicting_status FROM payouts WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_signed_amount_that_differs_from_ours_is_flagged()
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());
        var transaction = TestPostbacks.NewTransactionId();

        await PostbackAsync(withdrawalId, 1, amount: "1000.00", transactionId: transaction);

        Assert.Equal("paid", await StatusAsync(id));
        Assert.True(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM payouts WHERE id = @id", ("id", id)));
        Assert.Equal(1000m, await api.ScalarAsync<decimal>("SELECT settled_amount FROM payouts WHERE id = @id", ("id", id)));
        Assert.True(await api.ScalarAsync<bool>("SELECT amount_mismatch FROM gateway_transactions WHERE transaction_id = @t", ("t", transaction)));
    }

    [Fact]
    public async Task A_withdrawal_id_we_never_sent_and_a_payout_never_sent_settle_nothing()
    {
        var stranger = TestPostbacks.NewTransactionId();
        await PostbackAsync("po_not_ours_" + Guid.NewGuid().ToString("N")[..8], 1, transactionId: stranger);
        Assert.Equal("no_matching_payout", await ReasonAsync(stranger));

        var label = PayoutScript.NewLabel();
        var waiting = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label, PayoutApiFactory.ApprovalThreshold + 1), "w-" + label)).JsonAsync();
        var early = TestPostbacks.NewTransactionId();
        await PostbackAsync(waiting.GetProperty("withdrawalId").GetString()!, 1, transactionId: early, amount: "50001.00");

        Assert.Equal("awaiting_approval", await StatusAsync(waiting.GetProperty("id").GetGuid()));
        Assert.Equal("payout_not_settleable", await ReasonAsync(early));
    }

    [Fact]
    public async Task Only_the_signed_withdrawal_id_decides_never_the_unsigned_direction_or_label()
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());

        await PostbackAsync(withdrawalId, 1, label: "someone-else", direction: "ingoing");

        Assert.Equal("paid", await StatusAsync(id));
    }

    [Fact]
    public async Task A_postback_for_a_payout_whose_answer_we_never_saw_settles_it()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, "", status: 503);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "lost-" + label)).JsonAsync();
        Assert.Equal("queued", payout.GetProperty("status").GetString());

        await PostbackAsync(payout.GetProperty("withdrawalId").GetString()!, 1);

        var id = payout.GetProperty("id").GetGuid();
        Assert.Equal("paid", await StatusAsync(id));
        // The dispatcher must not send a paid payout again.
        await Task.Delay(800);
        Assert.Equal("paid", await StatusAsync(id));
        var sent = api.Gateway.WithdrawalRequestsFor(label).Count;
        await Task.Delay(500);
        Assert.Equal(sent, api.Gateway.WithdrawalRequestsFor(label).Count);
        var detail = await (await api.OpsClient("ops-y").GetAsync($"/api/ops/payouts/{id}")).JsonAsync();
        Assert.Single(detail.GetProperty("transactions").EnumerateArray());
    }

    [Fact]
    public async Task A_payout_settled_by_its_postback_during_its_first_attempt_is_answered_as_settled()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok, delay: TimeSpan.FromSeconds(1.5));
        var creating = api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "early-" + label);
        var withdrawalId = await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT withdrawal_id FROM payouts WHERE label = @l", ("l", label)), w => w is not null);

        // The gateway settles it before its answer to the request arrives: the attempt's outcome is fenced
        // out (the payout is no longer sending), so the request answers with the payout as it now is.
        Assert.Equal("ok", await PostbackAsync(withdrawalId!, 1));
        var created = await creating;

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var payout = await created.JsonAsync();
        Assert.Equal("paid", payout.GetProperty("status").GetString());
        Assert.Equal(1020m, payout.GetProperty("settledAmount").GetDecimal());
        Assert.Equal("paid", await StatusAsync(payout.GetProperty("id").GetGuid()));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM payout_attempts WHERE payout_id = @id", ("id", payout.GetProperty("id").GetGuid())));
    }
}

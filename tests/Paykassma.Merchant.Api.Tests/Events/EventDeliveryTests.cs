using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using StandardWebhooks;

namespace Paykassma.Merchant.Api.Tests.Events;

/// <summary>Every money event reaches the ledger signed per Standard Webhooks, once per change, from the transaction that made it.</summary>
public sealed class EventDeliveryTests(EventDeliveryTests.Factory api) : IClassFixture<EventDeliveryTests.Factory>
{
    public sealed class Factory : EventsApiFactory
    {
        public Factory()
        {
            With("Payouts:Dispatcher:PollInterval", "00:00:00.100");
            With("Payouts:Dispatcher:BaseDelay", "00:00:00.100");
            With("Payouts:Dispatcher:MaxDelay", "00:00:00.200");
            With("Payouts:Dispatcher:MaxAttempts", "2");
            With("Deposits:ExpireAfter", "00:00:01");
            With("Deposits:ExpiryCheckInterval", "01:00:00");
        }
    }

    private Task<IReadOnlyList<LedgerScript.Delivery>> DeliveredAsync(Guid subject, params string[] types) =>
        Eventually.WaitForAsync(() => Task.FromResult(api.Gateway.DeliveriesAbout(subject)),
            d => types.All(t => d.Any(x => x.Type == t && x.Status == 200)), TimeSpan.FromSeconds(15));

    [Fact]
    public void The_signature_is_the_standard_one()
    {
        // The spec's own example (standard-webhooks, spec/standard-webhooks.md) …
        const string specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            WebhookSignature.Sign(specSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""u8));
        // … and the StandardWebhooks package, written by others, agrees on ours.
        var body = """{"type":"deposit.confirmed","data":{"amount":300}}""";
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(new StandardWebhook(LedgerScript.Secret).Sign("evt_1", now, body),
            WebhookSignature.Sign(LedgerScript.Secret, "evt_1", now.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body)));
        Assert.False(WebhookSignature.IsValidSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        Assert.False(WebhookSignature.IsValidSecret("whsec_c2hvcnQ="));
    }

    [Fact]
    public async Task A_confirmed_deposit_and_its_amount_mismatch_are_delivered_once_however_often_the_postback_comes()
    {
        var label = GatewayScript.NewLabel("ev");
        var (depositId, customId) = await api.ForwardedProofAsync(label, claimed: 300);
        var postback = TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "250", label);
        using var gateway = api.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(postback)).StatusCode);
        var delivered = await DeliveredAsync(depositId, EventTypes.DepositConfirmed, EventTypes.DepositAmountMismatch);
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(postback)).StatusCode);
        await Task.Delay(600);

        var confirmed = Assert.Single(api.Gateway.DeliveriesAbout(depositId), d => d.Type == EventTypes.DepositConfirmed);
        Assert.Single(api.Gateway.DeliveriesAbout(depositId), d => d.Type == EventTypes.DepositAmountMismatch);
        Assert.Equal(250m, confirmed.Data.GetProperty("amount").GetDecimal());
        Assert.Equal(label, confirmed.Data.GetProperty("label").GetString());
        Assert.Equal("BTN", confirmed.Data.GetProperty("currency").GetString());
        Assert.Equal("confirmed", confirmed.Data.GetProperty("status").GetString());
        Assert.True(confirmed.Data.GetProperty("amountMismatch").GetBoolean());
        Assert.Equal(2, await api.ScalarAsync<int>("SELECT count(*) FROM outbox_events WHERE subject_id = @d", ("d", depositId)));
        Assert.All(delivered, d => Assert.True(Guid.TryParse(d.WebhookId, out _)));
    }

    [Fact]
    public async Task A_rejected_proof_and_an_expired_deposit_are_delivered()
    {
        var label = GatewayScript.NewLabel("ev");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label, """{"status":"fail","message":"Transaction not found"}""");
        using var user = api.ClientFor(label);
        var proof = await (await user.UploadAsync(depositId, ProofScript.Form())).Content.ReadFromJsonAsync<JsonElement>();
        var proofId = proof.GetProperty("proof").GetProperty("id").GetGuid();

        var rejected = Assert.Single(await DeliveredAsync(proofId, EventTypes.ProofRejected), d => d.Type == EventTypes.ProofRejected);
        Assert.Equal("Transaction not found", rejected.Data.GetProperty("gatewayMessage").GetString());
        Assert.Equal(depositId, rejected.Data.GetProperty("depositId").GetGuid());

        await api.ScalarAsync<int>("UPDATE deposits SET created_at = now() - interval '1 hour' WHERE id = @d", ("d", depositId));
        await api.Services.GetRequiredService<DepositExpiry>().ExpireDueAsync(CancellationToken.None);
        var expired = Assert.Single(await DeliveredAsync(depositId, EventTypes.DepositExpired), d => d.Type == EventTypes.DepositExpired);
        Assert.Equal("expired", expired.Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Every_payout_event_is_delivered()
    {
        var paidLabel = PayoutScript.NewLabel();
        var cancelledLabel = PayoutScript.NewLabel();
        var refusedLabel = PayoutScript.NewLabel();
        var failedLabel = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(paidLabel, PayoutScript.Ok);
        api.Gateway.AnswersWithdrawal(cancelledLabel, PayoutScript.Ok);
        api.Gateway.AnswersWithdrawal(refusedLabel, """{"status":"fail","message":{"withdrawals_sum_amount":["Insufficient balance"]}}""");
        api.Gateway.AnswersWithdrawal(failedLabel, "", status: 503);
        var backOffice = api.BackOfficeClient();

        async Task<JsonElement> Create(string label) => await (await backOffice.CreateAsync(PayoutScript.Body(label), "ev-" + label)).JsonAsync();
        var paid = await Create(paidLabel);
        var cancelled = await Create(cancelledLabel);
        var refused = await Create(refusedLabel);
        var failed = await Create(failedLabel);
        using var gateway = api.CreateClient();
        foreach (var (payout, status) in new[] { (paid, 1), (cancelled, 6) })
        {
            var item = TestPostbacks.PayoutItem(TestPostbacks.NewTransactionId(), payout.GetProperty("withdrawalId").GetString()!, status, "1020.00");
            Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(TestPostbacks.Body([item]))).StatusCode);
        }

        await DeliveredAsync(paid.GetProperty("id").GetGuid(), EventTypes.PayoutSent, EventTypes.PayoutPaid);
        await DeliveredAsync(cancelled.GetProperty("id").GetGuid(), EventTypes.PayoutSent, EventTypes.PayoutCancelled);
        var refusal = Assert.Single(await DeliveredAsync(refused.GetProperty("id").GetGuid(), EventTypes.PayoutRefused));
        var failure = Assert.Single(await DeliveredAsync(failed.GetProperty("id").GetGuid(), EventTypes.PayoutFailed));
        Assert.Equal("withdrawals_sum_amount: Insufficient balance", refusal.Data.GetProperty("gatewayMessage").GetString());
        Assert.Equal("failed", failure.Data.GetProperty("status").GetString());
        var paidEvent = Assert.Single(api.Gateway.DeliveriesAbout(paid.GetProperty("id").GetGuid()), d => d.Type == EventTypes.PayoutPaid);
        Assert.Equal(1020m, paidEvent.Data.GetProperty("settledAmount").GetDecimal());
        Assert.Equal(paid.GetProperty("withdrawalId").GetString(), paidEvent.Data.GetProperty("withdrawalId").GetString());
    }

    [Fact]
    public async Task Ops_list_events_and_can_redeliver_one()
    {
        var label = GatewayScript.NewLabel("ev");
        var (depositId, customId) = await api.ForwardedProofAsync(label);
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", label));
        var first = Assert.Single(await DeliveredAsync(depositId, EventTypes.DepositConfirmed));
        using var ops = api.ClientFor("ops", ops: true);

        var listed = await (await ops.GetAsync($"/api/ops/events?status=delivered&type=deposit.confirmed&subjectId={depositId}")).JsonAsync();
        var id = Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid();
        Assert.Equal(first.WebhookId, id.ToString());
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/api/ops/events/{id}/redeliver", null)).StatusCode);
        var again = await Eventually.WaitForAsync(() => Task.FromResult(api.Gateway.DeliveriesAbout(depositId)), d => d.Count >= 2);

        Assert.Equal(2, again.Count);
        Assert.All(again, d => Assert.Equal(first.WebhookId, d.WebhookId));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync($"/api/ops/events/{Guid.NewGuid()}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync("/api/ops/events?type=deposit.made_up")).StatusCode);
        // Who redelivered it: one record, with the event's type.
        var actions = await (await ops.GetAsync($"/api/ops/actions?subjectId={id}")).JsonAsync();
        var action = Assert.Single(actions.GetProperty("items").EnumerateArray());
        Assert.Equal(("event_redeliver", "ops", "event"),
            (action.GetProperty("action").GetString(), action.GetProperty("actor").GetString(), action.GetProperty("subjectType").GetString()));
        Assert.Equal(EventTypes.DepositConfirmed, action.GetProperty("detail").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, action.GetProperty("reason").ValueKind);
    }
}

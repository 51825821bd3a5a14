using System.Net;
using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>
/// Every payout outcome reaches the ledger through the outbox, written by the statement that makes it,
/// and what needs a person is where ops look.
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutLedgerTests(PayoutApiFactory api)
{
    [Fact]
    public async Task A_rejected_payout_tells_the_ledger_with_the_reason_once()
    {
        var label = PayoutScript.NewLabel();
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label, PayoutApiFactory.ApprovalThreshold + 1), "rej-" + label))
            .JsonAsync();
        var id = payout.GetProperty("id").GetGuid();
        Assert.Equal("awaiting_approval", payout.GetProperty("status").GetString());

        var rejected = await api.OpsClient("hana").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = "Name does not match KYC" });
        var again = await api.OpsClient("hana").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = "twice" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_events WHERE subject_id = @id AND type = 'payout.rejected'", ("id", id)));
        var data = await api.ScalarAsync<string>(
            "SELECT data::text FROM outbox_events WHERE subject_id = @id AND type = 'payout.rejected'", ("id", id));
        Assert.Contains("\"reason\": \"Name does not match KYC\"", data, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"rejected\"", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payout_whose_settlement_the_gateway_contradicted_is_listed_and_shown_to_ops()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "conf-" + label)).JsonAsync();
        var id = payout.GetProperty("id").GetGuid();
        var withdrawalId = payout.GetProperty("withdrawalId").GetString()!;
        using var gateway = api.CreateClient();
        foreach (var status in new[] { 1, 6 })
        {
            var body = TestPostbacks.Body([TestPostbacks.PayoutItem(TestPostbacks.NewTransactionId(), withdrawalId, status, "1020.00")],
                direction: "outgoing");
            Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);
        }

        var listed = await (await api.OpsClient("ivan").GetAsync("/api/ops/payouts?conflict=true&pageSize=200")).JsonAsync();
        var entry = Assert.Single(listed.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        Assert.True(entry.GetProperty("statusConflict").GetBoolean());
        Assert.Equal(6, entry.GetProperty("conflictingStatus").GetInt32());
        Assert.Equal("paid", entry.GetProperty("status").GetString());
        var clean = await (await api.OpsClient("ivan").GetAsync("/api/ops/payouts?conflict=false&pageSize=200")).JsonAsync();
        Assert.DoesNotContain(clean.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        var detail = await (await api.OpsClient("ivan").GetAsync($"/api/ops/payouts/{id}")).JsonAsync();
        Assert.Equal(2, detail.GetProperty("transactions").GetArrayLength());
        Assert.Contains(detail.GetProperty("transactions").EnumerateArray(), t => t.GetProperty("unappliedReason").GetString() == "status_conflict");
    }
}

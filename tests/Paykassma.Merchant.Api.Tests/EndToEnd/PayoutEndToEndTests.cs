using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.EndToEnd;

/// <summary>
/// Payouts over real HTTP against the sandbox, which checks the signature with its own code and
/// settles each withdrawal with a signed outgoing postback: created → sent → paid or cancelled, and
/// above the threshold approved by a second person first.
/// </summary>
public sealed class PayoutEndToEndTests
{
    private static Task<(SandboxGateway Sandbox, MerchantApiFactory Api)> StartAsync() => SandboxGateway.StartWithServiceAsync(("Payouts:ApprovalThreshold", "50000"));

    private static async Task<JsonElement> SettledAsync(HttpClient backOffice, Guid id) =>
        await Eventually.WaitForAsync(
            () => backOffice.GetFromJsonAsync<JsonElement>($"/api/payouts/{id}"),
            p => p.GetProperty("status").GetString() is "paid" or "cancelled", TimeSpan.FromSeconds(20));

    [Fact]
    public async Task A_payout_is_sent_signed_to_the_sandbox_and_paid_or_cancelled_by_its_signed_postback()
    {
        var (sandbox, api) = await StartAsync();
        await using var _ = sandbox;
        await using var __ = api;
        using var backOffice = api.BackOfficeClient();
        var label = PayoutScript.NewLabel();

        var paid = await (await backOffice.CreateAsync(PayoutScript.Body(label), "e2e-paid-" + label)).JsonAsync();
        var cancelled = await (await backOffice.CreateAsync(PayoutScript.Body(label, accountNumber: "6666666666"), "e2e-cancel-" + label)).JsonAsync();

        // The sandbox verified our inferred signature with its own code: otherwise "refused".
        Assert.Equal("sent", paid.GetProperty("status").GetString());
        Assert.Equal("sent", cancelled.GetProperty("status").GetString());
        var settledPaid = await SettledAsync(backOffice, paid.GetProperty("id").GetGuid());
        var settledCancelled = await SettledAsync(backOffice, cancelled.GetProperty("id").GetGuid());
        Assert.Equal("paid", settledPaid.GetProperty("status").GetString());
        Assert.Equal(1020m, settledPaid.GetProperty("settledAmount").GetDecimal());
        Assert.False(settledPaid.GetProperty("amountMismatch").GetBoolean());
        Assert.Equal(1, settledPaid.GetProperty("withdrawalStatus").GetInt32());
        Assert.Equal("cancelled", settledCancelled.GetProperty("status").GetString());

        using var control = sandbox.Control();
        var received = await control.GetFromJsonAsync<JsonElement>($"/sandbox/withdrawals/{paid.GetProperty("withdrawalId").GetString()}");
        Assert.Equal(label, received.GetProperty("label").GetString());
    }

    [Fact]
    public async Task Above_the_threshold_a_second_person_approves_and_the_sandbox_pays()
    {
        var (sandbox, api) = await StartAsync();
        await using var _ = sandbox;
        await using var __ = api;
        using var backOffice = api.BackOfficeClient("ledger");
        var label = PayoutScript.NewLabel();

        var payout = await (await backOffice.CreateAsync(PayoutScript.Body(label, amount: 60_000), "e2e-big-" + label)).JsonAsync();
        var id = payout.GetProperty("id").GetGuid();
        Assert.Equal("awaiting_approval", payout.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await api.ClientWithRoles("ledger", "ops").PostAsync($"/api/ops/payouts/{id}/approve", null)).StatusCode);
        var approved = await api.OpsClient("bob").PostAsync($"/api/ops/payouts/{id}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        Assert.Equal("paid", (await SettledAsync(backOffice, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Insufficient_balance_is_refused_readably_and_an_ops_retry_after_a_top_up_is_paid_under_the_same_id()
    {
        var (sandbox, api) = await StartAsync();
        await using var _ = sandbox;
        await using var __ = api;
        using var backOffice = api.BackOfficeClient();
        using var control = sandbox.Control();
        var label = PayoutScript.NewLabel();
        (await control.PostAsJsonAsync("/sandbox/faults", new { mode = "insufficient_balance" })).EnsureSuccessStatusCode();

        var payout = await (await backOffice.CreateAsync(PayoutScript.Body(label), "e2e-poor-" + label)).JsonAsync();
        Assert.Equal("refused", payout.GetProperty("status").GetString());
        Assert.Equal("withdrawals_sum_amount: Insufficient balance", payout.GetProperty("gatewayMessage").GetString());

        (await control.PostAsJsonAsync("/sandbox/faults", new { mode = "none" })).EnsureSuccessStatusCode();
        var retried = await api.OpsClient("ops-z").PostAsJsonAsync($"/api/ops/payouts/{payout.GetProperty("id").GetGuid()}/retry",
            new { reason = "Balance topped up" });
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);

        Assert.Equal("paid", (await SettledAsync(backOffice, payout.GetProperty("id").GetGuid())).GetProperty("status").GetString());
    }
}

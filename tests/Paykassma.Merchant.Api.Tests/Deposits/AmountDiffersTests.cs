using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Deposits;

/// <summary>
/// Asked versus paid: a deposit is credited with the signed amount, whatever was asked for, and a
/// confirmed total that differs from the amount asked at creation is flagged where people look: the
/// user's view, the ops view and the ledger's deposit.confirmed.
/// </summary>
[Collection(ProofCollection.Name)]
public sealed class AmountDiffersTests(FastDispatcherFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("asked");

    private async Task<JsonElement> UserViewAsync(Guid depositId)
    {
        using var client = api.ClientFor(_label);
        return await client.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}");
    }

    private async Task<JsonElement> OpsViewAsync(Guid depositId)
    {
        using var ops = api.ClientFor("ops-asked", ops: true);
        return (await ops.GetFromJsonAsync<JsonElement>($"/api/ops/deposits/{depositId}")).GetProperty("deposit");
    }

    private async Task PayAsync(string customId, string amount)
    {
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), amount, _label));
    }

    [Fact]
    public async Task A_300_deposit_paid_250_as_its_proof_claimed_is_credited_250_and_flagged_as_differing()
    {
        var depositId = await api.CreateDepositAsync(_label, amount: 300);
        var customId = await api.ForwardedProofAsync(_label, depositId, claimed: 250);

        await PayAsync(customId, "250");

        var user = await UserViewAsync(depositId);
        Assert.Equal("confirmed", user.GetProperty("status").GetString());
        Assert.Equal(250m, user.GetProperty("confirmedAmount").GetDecimal());
        Assert.False(user.GetProperty("amountMismatch").GetBoolean());
        Assert.True(user.GetProperty("amountDiffers").GetBoolean());
        Assert.True((await OpsViewAsync(depositId)).GetProperty("amountDiffers").GetBoolean());
        var data = await api.ScalarAsync<string>(
            "SELECT data::text FROM outbox_events WHERE subject_id = @id AND type = 'deposit.confirmed'", ("id", depositId));
        Assert.Contains("\"amount\": 250", data, StringComparison.Ordinal);
        Assert.Contains("\"requestedAmount\": 300", data, StringComparison.Ordinal);
        Assert.Contains("\"amountDiffers\": true", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_300_deposit_paid_600_through_two_proofs_is_flagged_as_differing()
    {
        var depositId = await api.CreateDepositAsync(_label, amount: 300);
        var first = await api.ForwardedProofAsync(_label, depositId, claimed: 300);
        var second = await api.ForwardedProofAsync(_label, depositId, claimed: 300);

        await PayAsync(first, "300");
        Assert.False((await UserViewAsync(depositId)).GetProperty("amountDiffers").GetBoolean());
        await PayAsync(second, "300");

        var user = await UserViewAsync(depositId);
        Assert.Equal(600m, user.GetProperty("confirmedAmount").GetDecimal());
        Assert.False(user.GetProperty("amountMismatch").GetBoolean());
        Assert.True(user.GetProperty("amountDiffers").GetBoolean());
        Assert.Equal(1L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM deposits WHERE id = @id AND amount_differs", ("id", depositId)));
    }

    [Fact]
    public async Task A_deposit_paid_what_was_asked_does_not_differ()
    {
        var (depositId, customId) = await api.ForwardedProofAsync(_label, claimed: 300);

        await PayAsync(customId, "300.00");

        var user = await UserViewAsync(depositId);
        Assert.Equal("confirmed", user.GetProperty("status").GetString());
        Assert.False(user.GetProperty("amountDiffers").GetBoolean());
        Assert.False((await OpsViewAsync(depositId)).GetProperty("amountDiffers").GetBoolean());
    }
}

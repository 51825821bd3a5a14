using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.EndToEnd;

/// <summary>
/// The whole path over real HTTP: the service on Kestrel, the sandbox gateway on its own port.
/// Deposit → requisites from the sandbox → proof forwarded → the sandbox's signed postback
/// (PHP-default wire escaping) → deposit confirmed with the signed amount.
/// </summary>
public sealed class DepositEndToEndTests
{
    private static Task<(SandboxGateway Sandbox, MerchantApiFactory Api)> StartAsync() => SandboxGateway.StartWithServiceAsync();

    [Fact]
    public async Task A_deposit_goes_from_awaiting_payment_to_confirmed_through_the_sandbox()
    {
        var (sandbox, api) = await StartAsync();
        await using var _ = sandbox;
        await using var __ = api;
        var label = "e2e/ཚེ་རིང་-" + Guid.NewGuid().ToString("N")[..8];
        using var user = api.ClientFor(label);

        var created = await user.PostAsJsonAsync("/api/deposits", new { amount = 300 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var deposit = await created.Content.ReadFromJsonAsync<JsonElement>();
        var depositId = deposit.GetProperty("id").GetGuid();
        Assert.Equal("awaiting_payment", deposit.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(deposit.GetProperty("requisites").GetProperty("walletNumber").GetString()));

        var upload = await user.UploadAsync(depositId, ProofScript.Form("293397556789", "300"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        Assert.Equal("forwarded", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var confirmed = await Eventually.WaitForAsync(
            () => user.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}"),
            d => d.GetProperty("status").GetString() == "confirmed", TimeSpan.FromSeconds(20));
        Assert.Equal("confirmed", confirmed.GetProperty("status").GetString());
        Assert.Equal(300m, confirmed.GetProperty("confirmedAmount").GetDecimal());
        Assert.False(confirmed.GetProperty("amountMismatch").GetBoolean());

        using var control = sandbox.Control();
        var postbacks = await control.GetFromJsonAsync<JsonElement>("/sandbox/postbacks");
        var sent = Assert.Single(postbacks.EnumerateArray());
        Assert.Equal("delivered", sent.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_sandboxs_forged_tampered_duplicate_and_withdrawal_postbacks_get_the_right_answers()
    {
        var (sandbox, api) = await StartAsync();
        await using var _ = sandbox;
        await using var __ = api;
        var label = GatewayScript.NewLabel("trigger");
        using var user = api.ClientFor(label);
        var depositId = (await (await user.PostAsJsonAsync("/api/deposits", new { amount = 300 })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetGuid();
        var proof = await (await user.UploadAsync(depositId, ProofScript.Form("111122223333", "300"))).Content.ReadFromJsonAsync<JsonElement>();
        var customId = proof.GetProperty("customTransactionId").GetString()!;
        await Eventually.WaitForAsync(() => api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @d", ("d", depositId)), s => s == "confirmed");
        using var control = sandbox.Control();

        async Task<JsonElement> Trigger(object request)
        {
            var response = await control.PostAsJsonAsync("/sandbox/postbacks", request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var forged = await Trigger(new { kind = "forged", customTransactionId = customId, amount = 999 });
        var tampered = await Trigger(new { kind = "tampered", proof = customId, topLevelAmount = 99999 });
        var duplicate = await Trigger(new { kind = "duplicate", count = 5 });
        var withdrawal = await Trigger(new { kind = "withdrawal", amount = 150 });

        static JsonElement LastAttempt(JsonElement record) => record.GetProperty("lastAttempt");
        Assert.Equal(401, LastAttempt(forged).GetProperty("statusCode").GetInt32());
        Assert.False(LastAttempt(forged).GetProperty("ok").GetBoolean());
        Assert.True(LastAttempt(tampered).GetProperty("ok").GetBoolean());
        Assert.Equal(5, duplicate.GetProperty("attemptCount").GetInt32());
        Assert.True(LastAttempt(duplicate).GetProperty("ok").GetBoolean());
        await Eventually.WaitForAsync(() => api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE direction = 'outgoing'"), n => n == 1);
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE direction = 'outgoing'"));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE direction = 'ingoing'"));
        Assert.Equal(300m, await api.ScalarAsync<decimal>("SELECT confirmed_amount FROM deposits WHERE id = @d", ("d", depositId)));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM postbacks WHERE reject_reason = 'bad_signature'"));
        Assert.True(await api.ScalarAsync<long>("SELECT count(*) FROM postbacks WHERE discrepancies IS NOT NULL") >= 1);
        Assert.Equal("outgoing", withdrawal.GetProperty("direction").GetString());
    }
}

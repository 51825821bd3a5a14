using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Deposits;

public sealed class DepositExpiryTests
{
    [Fact]
    public async Task Unconfirmed_deposits_expire_and_a_late_postback_still_confirms_and_flags_them()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("Deposits:ExpireAfter", "00:00:01").With("Deposits:ExpiryCheckInterval", "01:00:00");
        var label = GatewayScript.NewLabel("late");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label);
        using var user = api.ClientFor(label);
        var proof = await (await user.UploadAsync(depositId, ProofScript.Form())).Content.ReadFromJsonAsync<JsonElement>();
        var confirmedId = await api.CreateDepositAsync(label);
        await api.ScalarAsync<int>("UPDATE deposits SET status = 'confirmed' WHERE id = @id", ("id", confirmedId));
        await Task.Delay(1200);

        var expiry = api.Services.GetRequiredService<DepositExpiry>();
        var expired = await Task.WhenAll(expiry.ExpireDueAsync(CancellationToken.None), expiry.ExpireDueAsync(CancellationToken.None));

        Assert.Equal(1, expired.Sum());
        Assert.Equal("expired", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
        Assert.Equal("confirmed", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", confirmedId)));

        using var gateway = api.CreateClient();
        var late = await gateway.PostAsync(TestPostbacks.For(proof.GetProperty("customTransactionId").GetString()!, TestPostbacks.NewTransactionId(), "300", label));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var deposit = await user.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}");
        Assert.Equal("confirmed", deposit.GetProperty("status").GetString());
        Assert.True(deposit.GetProperty("confirmedAfterExpiry").GetBoolean());
        Assert.Equal(300m, deposit.GetProperty("confirmedAmount").GetDecimal());
        Assert.Equal(0, await expiry.ExpireDueAsync(CancellationToken.None));
    }
}

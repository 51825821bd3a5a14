using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Ops;

[Collection(ProofCollection.Name)]
public sealed class OpsDepositTests(FastDispatcherFactory api)
{
    [Fact]
    public async Task Ops_find_a_users_deposit_and_follow_it_to_proofs_screenshot_transactions_and_postbacks()
    {
        var label = GatewayScript.NewLabel("where-is-my-money");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label);
        using var user = api.ClientFor(label);
        var screenshot = ProofScript.Png(4096, seed: 77);
        var proof = await (await user.UploadAsync(depositId, ProofScript.Form(screenshot: screenshot, fileName: "my bank.png")))
            .Content.ReadFromJsonAsync<JsonElement>();
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(proof.GetProperty("customTransactionId").GetString()!, transactionId, "300", label));
        using var ops = api.ClientFor("ops-person", ops: true);

        var found = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/deposits?label={label}&status=confirmed");
        var deposit = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal(depositId, deposit.GetProperty("id").GetGuid());
        var detail = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/deposits/{depositId}");
        var proofs = detail.GetProperty("proofs").EnumerateArray().ToList();
        var transaction = Assert.Single(detail.GetProperty("transactions").EnumerateArray());
        var postback = Assert.Single(detail.GetProperty("postbacks").EnumerateArray());
        Assert.Equal(transactionId, transaction.GetProperty("transactionId").GetString());
        Assert.Equal(proofs.Single().GetProperty("id").GetGuid(), transaction.GetProperty("proofId").GetGuid());
        Assert.Equal(transaction.GetProperty("postbackId").GetGuid(), postback.GetProperty("id").GetGuid());

        var download = await ops.GetAsync($"/api/ops/proofs/{proofs.Single().GetProperty("id").GetGuid()}/screenshot");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(screenshot, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync($"/api/ops/proofs/{proofs.Single().GetProperty("id").GetGuid()}/screenshot")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync($"/api/ops/deposits/{depositId}")).StatusCode);
    }

    [Theory]
    [InlineData("/api/ops/deposits?status=lost")]
    [InlineData("/api/ops/deposits?from=yesterday")]
    [InlineData("/api/ops/deposits?pageSize=1000")]
    [InlineData("/api/ops/postbacks?outcome=maybe")]
    [InlineData("/api/ops/transactions?direction=sideways")]
    [InlineData("/api/ops/proofs?status=lost")]
    public async Task Bad_ops_filters_are_400(string path)
    {
        using var ops = api.ClientFor("ops-person", ops: true);

        var response = await ops.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

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

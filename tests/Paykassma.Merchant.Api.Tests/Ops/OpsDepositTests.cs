using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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

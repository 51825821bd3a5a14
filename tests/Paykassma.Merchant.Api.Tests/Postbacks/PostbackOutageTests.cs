using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

public sealed class PostbackOutageTests
{
    [Fact]
    public async Task With_PostgreSQL_stopped_a_postback_is_503_and_the_resent_one_is_accepted_once_it_is_back()
    {
        await using var cluster = await PostgresCluster.CreateAsync();
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("ConnectionStrings:Merchant", await TestPostgres.CreateDatabaseAsync(cluster.ConnectionString));
        using var gateway = api.CreateClient();
        var transactionId = TestPostbacks.NewTransactionId();
        var body = TestPostbacks.For("outage-" + transactionId, transactionId);

        await cluster.StopAsync();
        var during = await gateway.PostAsync(body);
        var duringBody = await during.Content.ReadFromJsonAsync<JsonElement>();
        await cluster.StartAsync();
        // The gateway resends until it hears ok; the first resend after the restart must already do.
        var after = await gateway.PostAsync(body);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("fail", duringBody.GetProperty("status").GetString());
        Assert.True(after.StatusCode == HttpStatusCode.OK, string.Join("\n", api.Logs.GetSnapshot()
            .Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(r => r.Message + " " + r.Exception?.GetType().Name + ": " + r.Exception?.Message)));
        Assert.Equal("ok", await TestPostbacks.StatusOf(after));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId)));
    }
}

[Collection(ProofCollection.Name)]
public sealed class OpsPostbackTests(FastDispatcherFactory api)
{
    [Fact]
    public async Task Ops_find_a_postback_by_transaction_id_and_see_its_body_verdict_transactions_and_deposit()
    {
        var label = GatewayScript.NewLabel("ops");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label);
        using var client = api.ClientFor(label);
        var proof = await (await client.UploadAsync(depositId, ProofScript.Form())).Content.ReadFromJsonAsync<JsonElement>();
        var customId = proof.GetProperty("customTransactionId").GetString()!;
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", label));
        using var ops = api.ClientFor("ops-person", ops: true);

        var list = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/postbacks?transactionId={transactionId}");
        var summary = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("accepted", summary.GetProperty("outcome").GetString());
        Assert.Equal("current", summary.GetProperty("verifiedWith").GetString());
        var detail = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/postbacks/{summary.GetProperty("id").GetGuid()}");
        Assert.Contains(transactionId, detail.GetProperty("body").GetString(), StringComparison.Ordinal);
        var transaction = Assert.Single(detail.GetProperty("transactions").EnumerateArray());
        Assert.Equal(depositId, transaction.GetProperty("depositId").GetGuid());
        Assert.Equal(customId, transaction.GetProperty("customOrderId").GetString());
        Assert.True(transaction.GetProperty("applied").GetBoolean());

        var transactions = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/transactions?customOrderId={customId}");
        Assert.Equal(transactionId, Assert.Single(transactions.GetProperty("items").EnumerateArray()).GetProperty("transactionId").GetString());
        var rejected = await ops.GetFromJsonAsync<JsonElement>("/api/ops/postbacks?verified=false&pageSize=5");
        Assert.True(rejected.GetProperty("items").EnumerateArray().All(p => p.GetProperty("outcome").GetString() == "rejected"));
    }

    [Theory]
    [InlineData("GET", "/api/ops/postbacks")]
    [InlineData("GET", "/api/ops/transactions")]
    [InlineData("POST", "/api/ops/postbacks/0192f0a1-0000-7000-8000-000000000000/reverify")]
    public async Task Frontend_tokens_get_403_and_no_token_401_on_ops_calls(string method, string path)
    {
        using var frontend = api.ClientFor(GatewayScript.NewLabel());
        using var anonymous = api.CreateClient();

        var forbidden = await frontend.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var unauthenticated = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }
}

public sealed class ReverifyTests
{
    [Fact]
    public async Task After_a_key_fix_ops_reverify_a_rejected_postback_and_it_confirms_the_deposit()
    {
        // Deployed with the wrong private key: genuine postbacks are rejected (and the gateway keeps resending).
        await using var misconfigured = new FastDispatcherFactory();
        await misconfigured.InitializeAsync();
        misconfigured.With("Paykassma:PostbackPrivateKey", "a-wrong-private-key");
        var label = GatewayScript.NewLabel("rotate");
        var depositId = await misconfigured.CreateDepositAsync(label);
        misconfigured.Gateway.AnswersProof(label);
        using var client = misconfigured.ClientFor(label);
        var proof = await (await client.UploadAsync(depositId, ProofScript.Form())).Content.ReadFromJsonAsync<JsonElement>();
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = misconfigured.CreateClient();
        var rejected = await gateway.PostAsync(TestPostbacks.For(proof.GetProperty("customTransactionId").GetString()!, transactionId, "300", label));
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        var postbackId = await misconfigured.ScalarAsync<Guid>("SELECT id FROM postbacks WHERE @t = ANY(transaction_ids)", ("t", transactionId));
        using var wrongOps = misconfigured.ClientFor("ops", ops: true);
        var stillRejected = await wrongOps.PostAsync($"/api/ops/postbacks/{postbackId}/reverify", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stillRejected.StatusCode);

        // The fix is deployed (same database, right key): ops verify the stored postback again.
        await using var fixedService = new FastDispatcherFactory();
        await fixedService.InitializeAsync();
        fixedService.With("ConnectionStrings:Merchant", misconfigured.ConnectionString);
        using var ops = fixedService.ClientFor("ops", ops: true);
        var reverified = await ops.PostAsync($"/api/ops/postbacks/{postbackId}/reverify", null);
        var again = await ops.PostAsync($"/api/ops/postbacks/{postbackId}/reverify", null);

        Assert.Equal(HttpStatusCode.OK, reverified.StatusCode);
        Assert.Equal("accepted", (await reverified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("confirmed", await fixedService.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @d", ("d", depositId)));
        Assert.Equal(300m, await fixedService.ScalarAsync<decimal>("SELECT confirmed_amount FROM deposits WHERE id = @d", ("d", depositId)));
        Assert.NotNull(await fixedService.ScalarAsync<DateTime?>("SELECT reverified_at FROM postbacks WHERE id = @id", ("id", postbackId)));
        // Only the reverify that changed something is recorded, with who did it and the key that verified.
        var detail = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/postbacks/{postbackId}");
        var action = Assert.Single(detail.GetProperty("actions").EnumerateArray());
        Assert.Equal(("postback_reverify", "ops", "postback"),
            (action.GetProperty("action").GetString(), action.GetProperty("actor").GetString(), action.GetProperty("subjectType").GetString()));
        Assert.Equal("current", action.GetProperty("detail").GetProperty("verifiedWith").GetString());
        Assert.Equal(1, await fixedService.ScalarAsync<int>("SELECT count(*) FROM ops_actions WHERE subject_id = @id", ("id", postbackId)));
    }
}

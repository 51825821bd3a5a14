using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Dispatching;

public sealed class DispatcherTests
{
    [Fact]
    public async Task Two_instances_on_one_database_never_send_the_same_proof_twice()
    {
        await using var first = new FastDispatcherFactory();
        await first.InitializeAsync();
        first.With("Proofs:Dispatcher:BatchSize", "2").With("RateLimits:ProofUploadsPerMinute", "1000");
        await using var second = new FastDispatcherFactory();
        await second.InitializeAsync();
        second.With("ConnectionStrings:Merchant", first.ConnectionString)
            .With("Paykassma:ApiBaseUrl", first.Gateway.Url)
            .With("Proofs:Dispatcher:BatchSize", "2");
        using var warmUp = second.CreateClient();

        var label = GatewayScript.NewLabel("queue");
        first.Gateway.AnswersProof(label, "down", status: 503);
        using var client = first.ClientFor(label);
        var customIds = new List<string>();
        for (var d = 0; d < 3; d++)
        {
            var depositId = await first.CreateDepositAsync(label);
            for (var p = 0; p < 8; p++)
            {
                var response = await client.UploadAsync(depositId, ProofScript.Form(transactionNumber: $"10000000{d}{p:000}", screenshot: ProofScript.Png(seed: d * 10 + p)));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                var proof = await response.Content.ReadFromJsonAsync<JsonElement>();
                customIds.Add(proof.GetProperty("customTransactionId").GetString()!);
            }
        }

        // The gateway comes back, a little slow, so both dispatchers have claims in flight together.
        first.Gateway.AnswersProof(label, delay: TimeSpan.FromMilliseconds(150));
        var forwarded = await Eventually.WaitForAsync(
            () => first.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE label = @l AND status = 'forwarded'", ("l", label)),
            n => n == customIds.Count, TimeSpan.FromSeconds(60));

        Assert.Equal(customIds.Count, forwarded);
        await Task.Delay(500);
        var accepted = new Dictionary<string, int>();
        foreach (var entry in first.Gateway.ProofEntriesFor(label).Where(e => Convert.ToInt32(e.ResponseMessage?.StatusCode, System.Globalization.CultureInfo.InvariantCulture) == 200))
        {
            var parts = await ProofScript.ReadMultipartAsync(entry.RequestMessage!);
            var id = ProofScript.Text(parts["custom_transaction_id"].Bytes);
            accepted[id] = accepted.GetValueOrDefault(id) + 1;
        }
        Assert.Equal(customIds.Order(), accepted.Keys.Order());
        Assert.All(accepted, pair => Assert.Equal(1, pair.Value));
        // Both instances delivered some: the test really had two dispatchers competing.
        Assert.Contains(first.Logs.GetSnapshot(), r => r.Id.Id == 5001);
        Assert.True(second.Logs.GetSnapshot().Any(r => r.Id.Id == 5001),
            string.Join("\n", second.Logs.GetSnapshot().Select(r => r.Category + ": " + r.Message + r.Exception).Take(40)));
    }

    [Fact]
    public async Task After_the_attempt_limit_a_proof_is_failed_visible_to_ops_and_ops_can_send_it_again()
    {
        await using var api = new FastDispatcherFactory();
        await api.InitializeAsync();
        api.With("Proofs:Dispatcher:MaxAttempts", "2");
        var label = GatewayScript.NewLabel("limit");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label, "down", status: 503);
        using var client = api.ClientFor(label);

        var upload = await client.UploadAsync(depositId, ProofScript.Form());
        var proofId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var status = await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT status FROM proofs WHERE id = @id", ("id", proofId)), s => s == "failed");

        Assert.Equal("failed", status);
        Assert.Equal(2, await api.ScalarAsync<int>("SELECT attempts FROM proofs WHERE id = @id", ("id", proofId)));
        using var ops = api.ClientFor("ops-person", ops: true);
        var failed = await ops.GetFromJsonAsync<JsonElement>("/api/ops/proofs?status=failed");
        var listed = Assert.Single(failed.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == proofId);
        Assert.Equal("ServerError", listed.GetProperty("lastError").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/ops/proofs?status=failed")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/ops/proofs/{proofId}/retry", null)).StatusCode);

        api.Gateway.AnswersProof(label);
        var noReason = await ops.PostAsync($"/api/ops/proofs/{proofId}/retry", null);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("failed", await api.ScalarAsync<string>("SELECT status FROM proofs WHERE id = @id", ("id", proofId)));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM ops_actions WHERE subject_id = @id", ("id", proofId)));
        var retry = await ops.PostAsJsonAsync($"/api/ops/proofs/{proofId}/retry", new { reason = "Gateway back after the outage" });
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        status = await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT status FROM proofs WHERE id = @id", ("id", proofId)), s => s == "forwarded");
        Assert.Equal("forwarded", status);
        Assert.Equal(HttpStatusCode.NotFound,
            (await ops.PostAsJsonAsync($"/api/ops/proofs/{proofId}/retry", new { reason = "again" })).StatusCode);
        // One record of the retry that happened (none of the refused ones), shown with the deposit.
        var deposit = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/deposits/{depositId}");
        var action = Assert.Single(deposit.GetProperty("actions").EnumerateArray());
        Assert.Equal(("proof_retry", "ops-person", "Gateway back after the outage", proofId),
            (action.GetProperty("action").GetString(), action.GetProperty("actor").GetString(), action.GetProperty("reason").GetString(),
                action.GetProperty("subjectId").GetGuid()));
    }
}

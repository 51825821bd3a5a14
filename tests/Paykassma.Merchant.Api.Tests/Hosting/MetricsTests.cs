using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// Run alone, after the parallel collections: the exporter listens to meters by name across the
/// whole process, so another test host's gauges (queue depth 0) would overwrite this one's in the
/// same scrape. In production there is one host per process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection : ICollectionFixture<FastDispatcherFactory>
{
    public const string Name = "metrics";
}

[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(FastDispatcherFactory api)
{
    [Fact]
    public async Task Metrics_show_http_postbacks_gateway_calls_queue_and_deposits_and_no_secrets()
    {
        var label = GatewayScript.NewLabel("metrics");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label, "down", status: 503);
        using var user = api.ClientFor(label);
        await user.UploadAsync(depositId, ProofScript.Form());
        // The gateway stays down for this proof: with the fast test dispatcher its default attempt
        // budget would run out in a few seconds on a loaded machine and empty the queue we measure.
        await api.ScalarAsync<int>("UPDATE proofs SET attempt_limit = 1000 WHERE deposit_id = @id RETURNING 1", ("id", depositId));
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For("metrics-" + label, TestPostbacks.NewTransactionId()));
        await gateway.PostAsync("not json"u8.ToArray());
        var paidLabel = GatewayScript.NewLabel("metrics-paid");
        var paidDeposit = await api.CreateDepositAsync(paidLabel);
        api.Gateway.AnswersProof(paidLabel);
        using var payer = api.ClientFor(paidLabel);
        var paidProof = await (await payer.UploadAsync(paidDeposit, ProofScript.Form())).Content.ReadFromJsonAsync<JsonElement>();
        await gateway.PostAsync(TestPostbacks.For(paidProof.GetProperty("customTransactionId").GetString()!, TestPostbacks.NewTransactionId(), "300", paidLabel));
        foreach (var terminal in new[] { "confirmed", "expired" })
        {
            var closedId = await api.CreateDepositAsync(label);
            await api.ScalarAsync<int>("UPDATE deposits SET status = @s WHERE id = @id RETURNING 1", ("s", terminal), ("id", closedId));
        }
        await api.Services.GetRequiredService<QueueSnapshot>().RefreshAsync(CancellationToken.None);
        await Task.Delay(400); // the exporter caches a scrape for a moment

        var response = await gateway.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("paykassma_postbacks_received_total{", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"accepted\"", text, StringComparison.Ordinal);
        Assert.Contains("key=\"current\"", text, StringComparison.Ordinal);
        Assert.Contains("reason=\"not_json\"", text, StringComparison.Ordinal);
        Assert.Contains("paykassma_postback_duration_seconds_bucket", text, StringComparison.Ordinal);
        // The "metrics-" postback matched no proof: stored, credited nothing, counted by its reason.
        Assert.Contains("paykassma_postbacks_items_unapplied_total{", text, StringComparison.Ordinal);
        Assert.Contains("reason=\"no_matching_proof\"", text, StringComparison.Ordinal);
        Assert.Contains("paykassma_gateway_call_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("operation=\"create-deposit\"", text, StringComparison.Ordinal);
        Assert.Contains("operation=\"possible-transaction\"", text, StringComparison.Ordinal);
        Assert.Contains("failure=\"server_error\"", text, StringComparison.Ordinal);
        Assert.Contains("paykassma_proofs_deliveries_total{", text, StringComparison.Ordinal);
        Assert.Matches(@"paykassma_proofs_queue_depth(\{[^}]*\})? [1-9]", text);
        Assert.Contains("paykassma_proofs_queue_oldest_age_seconds", text, StringComparison.Ordinal);
        Assert.Contains("paykassma_deposits{", text, StringComparison.Ordinal);
        Assert.Contains("status=\"proof_submitted\"", text, StringComparison.Ordinal);
        Assert.Matches(@"paykassma_deposits_credited_total(\{[^}]*\})? [1-9]", text);
        // Only open deposits: the terminal ones grow without bound and were a whole-table count.
        Assert.DoesNotContain("status=\"confirmed\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("status=\"expired\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(MerchantApiFactory.PluginSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(MerchantApiFactory.PostbackPrivateKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(label, text, StringComparison.Ordinal);
    }
}

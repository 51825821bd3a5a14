using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Dispatching;

/// <summary>The attempt's life as Dispatching runs it for every queue, shown on proofs: the fence and the stop rule.</summary>
public sealed class AttemptRunnerTests
{
    private static async Task<(FastDispatcherFactory Api, string Label, Guid ProofId)> DueProofAsync()
    {
        var api = new FastDispatcherFactory();
        await api.InitializeAsync();
        api.With("Proofs:Dispatcher:Enabled", "false");
        var label = GatewayScript.NewLabel("runner");
        api.Gateway.AnswersProof(label, "down", status: 503);
        var depositId = await api.CreateDepositAsync(label);
        using var client = api.ClientFor(label);
        var upload = await client.UploadAsync(depositId, ProofScript.Form());
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var proofId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await MakeDueAsync(api, proofId);
        return (api, label, proofId);
    }

    private static Task MakeDueAsync(MerchantApiFactory api, Guid proofId) =>
        api.ScalarAsync<int>("WITH d AS (UPDATE proofs SET next_attempt_at = now() - interval '1 second' WHERE id = @id RETURNING 1) SELECT count(*)::int FROM d",
            ("id", proofId));

    private static AttemptRunner<ProofForwarder, ClaimedProof> Runner(MerchantApiFactory api) =>
        api.Services.GetRequiredService<AttemptRunner<ProofForwarder, ClaimedProof>>();

    [Fact]
    public async Task An_attempt_overtaken_by_a_newer_claim_records_nothing()
    {
        var (api, label, proofId) = await DueProofAsync();
        await using var _ = api;
        var claimed = Assert.Single(await Runner(api).ClaimDueAsync(CancellationToken.None));
        Assert.Equal((proofId, 2), (claimed.Id, claimed.Attempts));
        // Its lease lapsed and another dispatcher claimed attempt 3 meanwhile.
        await api.ScalarAsync<int>("WITH d AS (UPDATE proofs SET attempts = attempts + 1 WHERE id = @id RETURNING 1) SELECT count(*)::int FROM d", ("id", proofId));
        api.Gateway.AnswersProof(label);

        await using var scope = api.Services.CreateAsyncScope();
        var report = await Runner(api).RunAsync(scope.ServiceProvider.GetRequiredService<ProofForwarder>(), claimed, CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal((AttemptResult.Delivered, false), (report.Result, report.Recorded));
        Assert.Equal("submitting", await api.ScalarAsync<string>("SELECT status FROM proofs WHERE id = @id", ("id", proofId)));
        Assert.Equal(3, await api.ScalarAsync<int>("SELECT attempts FROM proofs WHERE id = @id", ("id", proofId)));
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 5104);
    }

    [Fact]
    public async Task A_stop_mid_attempt_records_nothing_and_the_next_claim_takes_the_outcome_as_unknown()
    {
        var (api, label, proofId) = await DueProofAsync();
        await using var _ = api;
        var claimed = Assert.Single(await Runner(api).ClaimDueAsync(CancellationToken.None));
        Assert.False(claimed.OutcomeUncertain);
        api.Gateway.AnswersProof(label, delay: TimeSpan.FromSeconds(10));
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await using var scope = api.Services.CreateAsyncScope();
        var report = await Runner(api).RunAsync(scope.ServiceProvider.GetRequiredService<ProofForwarder>(), claimed, stopping.Token);

        Assert.Null(report);
        Assert.Equal(("submitting", 2), (await api.ScalarAsync<string>("SELECT status FROM proofs WHERE id = @id", ("id", proofId)),
            await api.ScalarAsync<int>("SELECT attempts FROM proofs WHERE id = @id", ("id", proofId))));
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 5103);
        // The lease lapses: the next claim records that attempt 2's outcome is unknown.
        await MakeDueAsync(api, proofId);
        var again = Assert.Single(await Runner(api).ClaimDueAsync(CancellationToken.None));
        Assert.Equal((3, true), (again.Attempts, again.OutcomeUncertain));
    }

    [Fact]
    public async Task A_retry_at_the_attempt_limit_is_given_up_whatever_the_queue_said()
    {
        var (api, _, proofId) = await DueProofAsync();
        await using var _ = api;
        await api.ScalarAsync<int>("WITH d AS (UPDATE proofs SET attempt_limit = 2 WHERE id = @id RETURNING 1) SELECT count(*)::int FROM d", ("id", proofId));
        var claimed = Assert.Single(await Runner(api).ClaimDueAsync(CancellationToken.None));
        Assert.Equal((2, 2), (claimed.Attempts, claimed.AttemptLimit));

        await using var scope = api.Services.CreateAsyncScope();
        var report = await Runner(api).RunAsync(scope.ServiceProvider.GetRequiredService<ProofForwarder>(), claimed, CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal((AttemptResult.Retry, AttemptResult.GiveUp, true, (DateTimeOffset?)null),
            (report.Outcome.Result, report.Result, report.Recorded, report.RetryAt));
        Assert.Equal("failed", await api.ScalarAsync<string>("SELECT status FROM proofs WHERE id = @id", ("id", proofId)));
        Assert.Null(await api.ScalarAsync<DateTime?>("SELECT next_attempt_at FROM proofs WHERE id = @id", ("id", proofId)));
    }
}

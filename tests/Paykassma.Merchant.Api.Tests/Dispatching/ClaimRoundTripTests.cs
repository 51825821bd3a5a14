using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Dispatching;

/// <summary>
/// A claim is one statement that returns what the attempt needs: no ids first and a read after. Counted
/// as the commands Npgsql runs (its activities) under one test activity, so the other dispatchers and
/// tests in the process are not counted.
/// </summary>
public sealed class ClaimRoundTripTests
{
    // A constant, not the source's Name: a listener asks about every source as it is added, this one's included.
    private const string TestSource = "Paykassma.Tests.ClaimRoundTrips";
    private static readonly ActivitySource Test = new(TestSource);

    [Fact]
    public async Task A_claim_of_a_batch_of_due_proofs_is_one_round_trip_and_returns_what_the_attempt_sends()
    {
        await using var api = new FastDispatcherFactory();
        await api.InitializeAsync();
        api.With("Proofs:Dispatcher:Enabled", "false").With("Proofs:Dispatcher:BatchSize", "8");
        var label = GatewayScript.NewLabel("claim");
        api.Gateway.AnswersProof(label, "down", status: 503);
        using var client = api.ClientFor(label);
        var expected = new Dictionary<Guid, (string CustomId, string Number)>();
        for (var i = 0; i < 3; i++)
        {
            var depositId = await api.CreateDepositAsync(label);
            var number = $"20000000{i:0000}";
            var upload = await client.UploadAsync(depositId, ProofScript.Form(transactionNumber: number, screenshot: ProofScript.Png(seed: 40 + i)));
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            var proof = await upload.Content.ReadFromJsonAsync<JsonElement>();
            expected[proof.GetProperty("id").GetGuid()] = (proof.GetProperty("customTransactionId").GetString()!, number);
        }
        // Queued after their first attempt; due now.
        await api.ScalarAsync<int>("WITH d AS (UPDATE proofs SET next_attempt_at = now() - interval '1 second' WHERE label = @l RETURNING 1) SELECT count(*)::int FROM d",
            ("l", label));
        var runner = api.Services.GetRequiredService<AttemptRunner<ProofForwarder, ClaimedProof>>();

        var (claimed, commands) = await CountCommandsAsync(() => runner.ClaimDueAsync(CancellationToken.None));

        Assert.Equal(1, commands);
        Assert.Equal(expected.Keys.Order(), claimed.Select(p => p.Id).Order());
        Assert.All(claimed, p =>
        {
            Assert.Equal((expected[p.Id].CustomId, expected[p.Id].Number, label, 300), (p.CustomTransactionId, p.TransactionNumber, p.Label, p.Amount));
            Assert.Equal(2, p.Attempts);
            Assert.Equal("image/png", p.ScreenshotContentType);
        });
        Assert.Equal(3, await api.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE label = @l AND status = 'submitting' AND attempts = 2", ("l", label)));
    }

    /// <summary>Runs <paramref name="work"/> under a fresh activity and counts the Npgsql commands inside it.</summary>
    private static async Task<(T Result, int Commands)> CountCommandsAsync<T>(Func<Task<T>> work)
    {
        var commands = 0;
        ActivityTraceId? trace = null;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is TestSource or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == trace)
                {
                    Interlocked.Increment(ref commands);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        T result;
        using (var root = Test.StartActivity("claim")!)
        {
            trace = root.TraceId;
            result = await work();
        }
        return (result, Volatile.Read(ref commands));
    }
}

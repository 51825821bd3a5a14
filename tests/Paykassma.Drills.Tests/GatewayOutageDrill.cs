using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Paykassma.Drills.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests;

/// <summary>
/// Drill (c): the gateway is down while users upload their payment proofs. Each upload is still
/// answered 202 queued (the proof is in PostgreSQL); when the gateway returns, the dispatcher
/// delivers every queued proof exactly once, and the gateway's postbacks confirm the deposits.
/// The gateway is the sandbox, run as its own process with postbacks sent to the service.
/// </summary>
public sealed class GatewayOutageDrill(ITestOutputHelper output)
{
    private const int ProofsWhile503 = 10;
    private const int ProofsWhileUnreachable = 10;
    private const int Proofs = ProofsWhile503 + ProofsWhileUnreachable;
    private static readonly TimeSpan DownAfterUploads = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(20);

    /// <summary>A fast dispatcher (defaults: poll 1 s, back-off 2 s doubling to 60 s) and a quick-to-give-up client.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastDispatcher = new Dictionary<string, string>
    {
        ["Proofs__Dispatcher__PollInterval"] = "00:00:00.200",
        ["Proofs__Dispatcher__BaseDelay"] = "00:00:00.500",
        ["Proofs__Dispatcher__MaxDelay"] = "00:00:02",
        ["Proofs__Dispatcher__Lease"] = "00:00:30",
        ["Paykassma__Resilience__AttemptTimeout"] = "00:00:02",
        ["Paykassma__Resilience__TotalTimeout"] = "00:00:05",
        ["Paykassma__Resilience__RetryBaseDelay"] = "00:00:00.100",
    };

    [Fact]
    public async Task Proofs_uploaded_while_the_gateway_is_down_are_queued_and_each_delivered_once_when_it_returns()
    {
        await using var rig = await DrillRig.CreateAsync("gateway-down", output);
        var apiPort = OsProcesses.FreePort();
        var sandbox = rig.Sandbox($"http://127.0.0.1:{apiPort}{DrillPostbacks.Path}");
        var api = rig.MerchantApi(sandbox.BaseUrl, FastDispatcher, apiPort);
        await sandbox.StartAsync();
        await api.StartAsync();
        rig.Log($"sandbox {sandbox.BaseUrl} (postbacks to the api), api {api.BaseUrl}; dispatcher: {string.Join(", ", FastDispatcher.Select(s => $"{s.Key.Replace("__", ":", StringComparison.Ordinal)}={s.Value}"))}");

        var users = Enumerable.Range(0, Proofs).Select(i => $"drill-user-{i:D2}").ToList();
        var clients = users.Select(u => DrillRig.Client(api, u)).ToList();
        var deposits = new List<Guid>();
        foreach (var client in clients)
        {
            deposits.Add(await MerchantCalls.CreateDepositAsync(client));
        }
        rig.Log($"{deposits.Count} deposits created while the gateway was up");

        using var control = DrillRig.Client(sandbox);
        (await control.PostAsJsonAsync("/sandbox/faults", new { mode = "down" })).EnsureSuccessStatusCode();
        var answers = new List<(HttpStatusCode Status, JsonElement Body)>();
        for (var i = 0; i < ProofsWhile503; i++)
        {
            answers.Add(await MerchantCalls.UploadProofAsync(clients[i], deposits[i], $"55550000{i:D4}"));
        }
        rig.Log($"gateway answering 503 (fault 'down'): {ProofsWhile503} proofs uploaded");
        await sandbox.KillAsync();
        for (var i = ProofsWhile503; i < Proofs; i++)
        {
            answers.Add(await MerchantCalls.UploadProofAsync(clients[i], deposits[i], $"55550000{i:D4}"));
        }
        rig.Log($"gateway process killed (connection refused): {ProofsWhileUnreachable} proofs uploaded");
        var queuedAnswers = answers.Count(a => a.Status == HttpStatusCode.Accepted && a.Body.GetProperty("status").GetString() == "queued");
        rig.Log($"answers: {string.Join(", ", answers.GroupBy(a => $"{(int)a.Status} {(a.Body.ValueKind == JsonValueKind.Object && a.Body.TryGetProperty("status", out var s) ? s.ToString() : "")}").Select(g => $"{g.Key}: {g.Count()}"))}");
        Assert.Equal(Proofs, queuedAnswers);
        var customIds = answers.Select(a => a.Body.GetProperty("customTransactionId").GetString()!).ToHashSet();
        Assert.Equal(Proofs, customIds.Count);

        await Task.Delay(DownAfterUploads);
        using var ops = DrillRig.Client(api, "drill-ops", ops: true);
        var whileDown = await MerchantCalls.OpsProofsAsync(ops);
        rig.Log($"after {DownAfterUploads.TotalSeconds:0} s more of outage: {Tally(whileDown)}; attempts so far {whileDown.Sum(p => p.GetProperty("attempts").GetInt32())}");
        // Queued, or submitting while the dispatcher holds it for an attempt; never anything final.
        Assert.All(whileDown, p => Assert.Contains(p.GetProperty("status").GetString(), new[] { "queued", "submitting" }));

        var restartBegun = DateTimeOffset.UtcNow;
        await sandbox.StartAsync();
        var recovered = DateTimeOffset.UtcNow;
        rig.Log($"gateway back (new sandbox process, no fault) after {(recovered - restartBegun).TotalSeconds:0.0} s of start-up");

        var delivered = await MerchantCalls.EventuallyAsync(
            () => control.GetFromJsonAsync<JsonElement>("/sandbox/possible-transactions"),
            list => list.GetArrayLength() >= Proofs, DeliveryBound);
        var forwarded = await MerchantCalls.EventuallyAsync(() => MerchantCalls.OpsProofsAsync(ops, "forwarded"), list => list.Count >= Proofs, DeliveryBound);
        var confirmed = await MerchantCalls.EventuallyAsync(() => rig.CountAsync("SELECT count(*) FROM deposits WHERE status = 'confirmed'"), n => n >= Proofs, DeliveryBound);
        var allConfirmedAfter = DateTimeOffset.UtcNow - recovered;
        await Task.Delay(TimeSpan.FromSeconds(2)); // A late duplicate delivery would show up now.

        var received = (await control.GetFromJsonAsync<JsonElement>("/sandbox/possible-transactions")).EnumerateArray().ToList();
        var receivedIds = received.Select(p => p.GetProperty("customTransactionId").GetString()!).ToList();
        var lastDelivery = received.Max(p => p.GetProperty("receivedAt").GetDateTimeOffset());
        var finalProofs = await MerchantCalls.OpsProofsAsync(ops);
        var transactions = await rig.CountAsync("SELECT count(*) FROM gateway_transactions");
        rig.Log($"queued {queuedAnswers}; delivered {received.Count} ({receivedIds.Distinct().Count()} distinct ids; {received.Sum(p => p.GetProperty("repeatedSubmissions").GetInt32())} resends answered 'already exists', " +
                $"{finalProofs.Count(p => p.GetProperty("outcomeUncertain").GetBoolean())} proofs with an attempt of unknown outcome); api: {Tally(finalProofs)}");
        rig.Log($"gateway healthy → last delivery {(lastDelivery - recovered).TotalMilliseconds:0} ms (from its process launch {(lastDelivery - restartBegun).TotalMilliseconds:0} ms); " +
                $"→ all deposits confirmed by postbacks {allConfirmedAfter.TotalMilliseconds:0} ms ({confirmed} confirmed, {transactions} signed transactions stored)");
        rig.Log($"attempts per proof: {string.Join(" ", finalProofs.Select(p => p.GetProperty("attempts").GetInt32()).Order())}");

        Assert.Equal(Proofs, delivered.GetArrayLength());
        Assert.Equal(customIds.Order(), receivedIds.Order());
        Assert.All(received, p => Assert.Equal("accepted", p.GetProperty("outcome").GetString()));
        // The service sends a proof again only after an attempt whose answer it never saw (a timeout
        // against a gateway still warming up); the gateway then says "already exists", which the
        // service counts as delivered and marks outcomeUncertain. Any other resend would be a bug.
        var uncertain = finalProofs.Where(p => p.GetProperty("outcomeUncertain").GetBoolean())
            .Select(p => p.GetProperty("customTransactionId").GetString()).ToHashSet();
        Assert.All(received.Where(p => p.GetProperty("repeatedSubmissions").GetInt32() > 0),
            p => Assert.Contains(p.GetProperty("customTransactionId").GetString(), uncertain));
        Assert.Equal(Proofs, forwarded.Count);
        Assert.All(finalProofs, p => Assert.Equal("forwarded", p.GetProperty("status").GetString()));
        Assert.Equal(Proofs, confirmed);
        Assert.Equal(Proofs, transactions);
        Assert.True(lastDelivery - recovered < TimeSpan.FromSeconds(10), $"last delivery {(lastDelivery - recovered).TotalSeconds:0.0} s after recovery");
        rig.AssertNoSecretsInOutput();
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static string Tally(IEnumerable<JsonElement> proofs) =>
        string.Join(", ", proofs.GroupBy(p => p.GetProperty("status").GetString()).Select(g => $"{g.Key}: {g.Count()}"));
}

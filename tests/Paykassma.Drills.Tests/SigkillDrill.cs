using Paykassma.Drills.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests;

/// <summary>
/// Drill (a): the service is SIGKILLed again and again while the gateway streams postbacks at it.
/// "ok" must mean committed: every postback that got 200 {"status":"ok"} is in PostgreSQL, and
/// each signed transaction is stored exactly once however often it was resent.
/// </summary>
public sealed class SigkillDrill(ITestOutputHelper output)
{
    private const int Senders = 8;
    private const int Kills = 4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // group commit (ADR 0022): the same guarantees when postbacks share a transaction
    public async Task No_postback_answered_ok_is_lost_when_the_service_is_SIGKILLed_mid_stream(bool groupCommit)
    {
        await using var rig = await DrillRig.CreateAsync(groupCommit ? "group-sigkill" : "sigkill", output);
        // No proofs in this drill: the gateway URL is never called.
        var api = rig.MerchantApi($"http://127.0.0.1:{OsProcesses.FreePort()}", DrillRig.GroupCommit(groupCommit));
        rig.Log($"api ready in {await api.StartAsync():s\\.f} s (first start: migrations)");

        await using var stream = new PostbackStream(api.BaseUrl, () => rig.Elapsed, Senders);
        stream.Start();
        var streamStarted = rig.Elapsed;
        var restarts = new List<TimeSpan>();
        for (var kill = 1; kill <= Kills; kill++)
        {
            // Killed at a random moment of a busy stream, so some requests die mid-transaction.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2_000, 3_500)));
            var pid = api.Current!.Id;
            await api.KillAsync();
            var ackedAtKill = stream.Acked.Keys.ToList();
            var storedAtKill = await rig.CountStoredAsync(ackedAtKill);
            rig.Log($"kill {kill}: SIGKILL pid {pid} (exit {api.Current.ExitCode}); {ackedAtKill.Count} acked so far, {storedAtKill} of them stored");
            Assert.Equal(ackedAtKill.Count, storedAtKill);
            restarts.Add(await api.StartAsync());
            rig.Log($"kill {kill}: restarted in {restarts[^1]:s\\.f} s");
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stream.StopAsync(grace: TimeSpan.FromSeconds(30));
        var streamed = rig.Elapsed - streamStarted;

        var stored = await rig.StoredTransactionsAsync();
        var acked = stream.Acked.Keys.ToHashSet();
        var sent = stream.Sent.Keys.ToHashSet();
        var attempts = stream.Attempts.ToList();
        var lost = acked.Where(id => !stored.ContainsKey(id)).ToList();
        var storedTwice = stored.Where(s => s.Value != 1).ToList();
        var phantoms = stored.Keys.Where(id => !sent.Contains(id)).ToList();
        var redelivered = await rig.CountAsync("SELECT count(*) FROM postbacks WHERE outcome = 'duplicate'");
        rig.Log($"streamed {streamed.TotalSeconds:0.0} s with {Senders} senders; kills: {Kills}; restart took {restarts.Min().TotalSeconds:0.0}–{restarts.Max().TotalSeconds:0.0} s");
        rig.Log($"sent {sent.Count}, acked {acked.Count}, stored {stored.Count}, lost {lost.Count}, stored more than once {storedTwice.Count}, unfinished {stream.Unfinished.Count}");
        rig.Log($"attempts {attempts.Count}: {PostbackStream.Tally(attempts)}; resends answered ok as already known: {redelivered}");

        Assert.Empty(lost);
        Assert.Empty(storedTwice);
        Assert.Empty(phantoms);
        Assert.Empty(stream.Unfinished);
        Assert.Equal(sent.Count, acked.Count);
        Assert.Equal(sent.Count, stored.Count);
        // Only two things reach a sender: ok, or no answer at all (the process was dead or dying).
        Assert.All(attempts, a => Assert.True(a.Ok || a.Status == 0, $"{a.TransactionId} got HTTP {a.Status}"));
        Assert.True(acked.Count > 500, $"only {acked.Count} postbacks acked: the stream was too thin to mean much");
        Assert.Equal(Kills + 1, api.Runs.Count);
        rig.AssertNoSecretsInOutput();
    }
}

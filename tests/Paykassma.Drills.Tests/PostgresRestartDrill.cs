using Paykassma.Drills.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests;

/// <summary>
/// Drill (b): PostgreSQL goes away under a stream of postbacks and comes back, twice: first as in a
/// crash (<c>pg_ctl -m immediate</c>), then as in an orderly restart (<c>-m fast</c>, sessions
/// ended with an admin-shutdown error). While it is away the service must say 503 (the gateway
/// resends), never ok; whatever it said ok to must be stored, once; and when PostgreSQL is back the
/// same service process (no restart) must accept postbacks again within a bounded time.
/// </summary>
public sealed class PostgresRestartDrill(ITestOutputHelper output)
{
    private const int Senders = 8;
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // group commit (ADR 0022): the same guarantees when postbacks share a transaction
    public async Task While_PostgreSQL_is_down_postbacks_get_503_and_afterwards_ok_without_restarting_the_service(bool groupCommit)
    {
        await using var rig = await DrillRig.CreateAsync(groupCommit ? "group-pg-restart" : "pg-restart", output);
        var api = rig.MerchantApi($"http://127.0.0.1:{OsProcesses.FreePort()}", DrillRig.GroupCommit(groupCommit));
        rig.Log($"api ready in {await api.StartAsync():s\\.f} s");
        var pid = api.Current!.Id;

        await using var stream = new PostbackStream(api.BaseUrl, () => rig.Elapsed, Senders);
        stream.Start();
        await Task.Delay(Steady);
        var outages = new List<OutageWindow>();
        foreach (var mode in new[] { "immediate", "fast" })
        {
            var stopBegun = rig.Elapsed;
            await rig.Postgres.StopAsync(mode);
            var stopped = rig.Elapsed;
            await Task.Delay(Outage);
            var startBegun = rig.Elapsed;
            await rig.Postgres.StartAsync();
            var started = rig.Elapsed;
            var firstOk = await FirstOkAfterAsync(stream, started, RecoveryBound);
            Assert.True(firstOk is not null,
                $"-m {mode}: no postback was accepted within {RecoveryBound.TotalSeconds:0} s of PostgreSQL's return; api output:\n{api.Current.Tail()}");
            outages.Add(new OutageWindow(mode, stopBegun, stopped, startBegun, started, firstOk.Value));
            rig.Log($"-m {mode}: stopped in {(stopped - stopBegun).TotalSeconds:0.0} s, down {Outage.TotalSeconds:0} s, started in {(started - startBegun).TotalSeconds:0.0} s; first ok {(firstOk.Value - started).TotalMilliseconds:0} ms after the start");
            await Task.Delay(Steady);
        }
        await stream.StopAsync(grace: TimeSpan.FromSeconds(30));

        var attempts = stream.Attempts.ToList();
        // A second after the first ok, every pooled connection that died with the old server has been replaced.
        bool Steadily(PostbackAttempt a) => outages.All(o => a.Ended <= o.StopBegun || a.Started >= o.FirstOk + TimeSpan.FromSeconds(1));
        var steady = attempts.Where(Steadily).ToList();
        rig.Log($"steady state, PostgreSQL up ({steady.Count}): {PostbackStream.Tally(steady)}");
        foreach (var o in outages)
        {
            var stopping = attempts.Where(a => a.Started < o.Stopped && a.Ended > o.StopBegun).ToList();
            var down = attempts.Where(a => a.Started >= o.Stopped && a.Ended <= o.StartBegun).ToList();
            var starting = attempts.Where(a => a.Started < o.Started && a.Ended > o.StartBegun).ToList();
            var beforeFirstOk = attempts.Where(a => a.Started >= o.Started && a.Ended < o.FirstOk).ToList();
            rig.Log($"-m {o.Mode}: while stopping ({stopping.Count}) {PostbackStream.Tally(stopping)} | down ({down.Count}) {PostbackStream.Tally(down)} | " +
                    $"while starting ({starting.Count}) {PostbackStream.Tally(starting)} | started, before the first ok ({beforeFirstOk.Count}) {PostbackStream.Tally(beforeFirstOk)}");
            Assert.True(down.Count >= Senders, $"-m {o.Mode}: only {down.Count} attempts during the outage");
            Assert.All(down, a => Assert.Equal(503, a.Status));
            Assert.True(o.FirstOk - o.Started < RecoveryBound);
        }

        var stored = await rig.StoredTransactionsAsync();
        var acked = stream.Acked.Keys.ToHashSet();
        var lost = acked.Where(id => !stored.ContainsKey(id)).ToList();
        rig.Log($"sent {stream.Sent.Count}, acked {acked.Count}, stored {stored.Count}, lost {lost.Count}, stored more than once {stored.Count(s => s.Value != 1)}; " +
                $"api: one process (pid {pid}) throughout: {api.Runs.Count == 1 && !api.Current.HasExited}");

        Assert.All(steady, a => Assert.True(a.Ok, $"HTTP {a.Status} while PostgreSQL was up"));
        Assert.True(steady.Count > 200, $"only {steady.Count} attempts while PostgreSQL was up");
        Assert.Empty(lost);
        Assert.All(stored, s => Assert.Equal(1, s.Value));
        Assert.Empty(stream.Unfinished);
        Assert.Equal(stream.Sent.Count, acked.Count);
        Assert.Equal(stream.Sent.Count, stored.Count);
        Assert.Single(api.Runs);
        Assert.False(api.Current.HasExited);
        rig.AssertNoSecretsInOutput();
    }

    private sealed record OutageWindow(string Mode, TimeSpan StopBegun, TimeSpan Stopped, TimeSpan StartBegun, TimeSpan Started, TimeSpan FirstOk);

    private static async Task<TimeSpan?> FirstOkAfterAsync(PostbackStream stream, TimeSpan since, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            var first = stream.Attempts.Where(a => a.Ok && a.Started >= since).Select(a => (TimeSpan?)a.Ended).Min();
            if (first is not null)
            {
                return first;
            }
            await Task.Delay(20);
        }
        return null;
    }
}

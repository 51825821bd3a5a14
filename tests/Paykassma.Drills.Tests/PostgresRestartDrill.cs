using Paykassma.Drills.Tests.Infrastructure;

namespace Paykassma.Drills.Tests;

/// <summary>
/// Drill (b): PostgreSQL goes away under a stream of postbacks and comes back. While it is away the
/// service must say 503 (the gateway resends), never ok; whatever it did say ok to must be stored;
/// and once PostgreSQL is back the same service process (no restart) must accept postbacks again.
/// </summary>
public sealed class PostgresRestartDrill(ITestOutputHelper output)
{
    private const int Senders = 8;
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("immediate")]
    [InlineData("fast")]
    public async Task While_PostgreSQL_is_down_postbacks_get_503_and_afterwards_ok_without_restarting_the_service(string stopMode)
    {
        await using var rig = await DrillRig.CreateAsync("pg-restart-" + stopMode, output);
        var api = rig.MerchantApi($"http://127.0.0.1:{DrillPostgres.FreePort()}");
        rig.Log($"api ready in {await api.StartAsync():s\\.f} s");
        var pid = api.Current!.Id;

        await using var stream = new PostbackStream(api.BaseUrl, () => rig.Elapsed, Senders);
        stream.Start();
        await Task.Delay(Before);

        var stopBegun = rig.Elapsed;
        await rig.Postgres.StopAsync(stopMode);
        var stopped = rig.Elapsed;
        rig.Log($"PostgreSQL stopped (-m {stopMode}) in {(stopped - stopBegun).TotalSeconds:0.0} s");
        await Task.Delay(Outage);
        var startBegun = rig.Elapsed;
        await rig.Postgres.StartAsync();
        var started = rig.Elapsed;
        rig.Log($"PostgreSQL started in {(started - startBegun).TotalSeconds:0.0} s");

        var firstOk = await FirstOkAfterAsync(stream, started, RecoveryBound);
        Assert.True(firstOk is not null, $"no postback was accepted within {RecoveryBound.TotalSeconds:0} s of PostgreSQL's return; api output:\n{api.Current.Tail()}");
        var recovered = firstOk.Value;
        rig.Log($"first ok {(recovered - started).TotalMilliseconds:0} ms after PostgreSQL was back");
        await Task.Delay(After);
        await stream.StopAsync(grace: TimeSpan.FromSeconds(30));

        var attempts = stream.Attempts.ToList();
        var before = attempts.Where(a => a.Ended <= stopBegun).ToList();
        var stopping = attempts.Where(a => a.Started < stopped && a.Ended > stopBegun).ToList();
        var outage = attempts.Where(a => a.Started >= stopped && a.Ended <= startBegun).ToList();
        var starting = attempts.Where(a => a.Started < started && a.Ended > startBegun).ToList();
        var recovering = attempts.Where(a => a.Started >= started && a.Ended < recovered).ToList();
        // A second after the first ok every pooled connection that died with the old server has been replaced.
        var after = attempts.Where(a => a.Started >= recovered + TimeSpan.FromSeconds(1)).ToList();
        rig.Log($"before the stop ({before.Count}): {PostbackStream.Tally(before)}");
        rig.Log($"while stopping ({stopping.Count}): {PostbackStream.Tally(stopping)}");
        rig.Log($"outage, {Outage.TotalSeconds:0} s ({outage.Count}): {PostbackStream.Tally(outage)}");
        rig.Log($"while starting ({starting.Count}): {PostbackStream.Tally(starting)}");
        rig.Log($"after the start, answered before the first ok ({recovering.Count}): {PostbackStream.Tally(recovering)}");
        rig.Log($"from 1 s after the first ok ({after.Count}): {PostbackStream.Tally(after)}");

        var stored = await rig.StoredTransactionsAsync();
        var acked = stream.Acked.Keys.ToHashSet();
        var lost = acked.Where(id => !stored.ContainsKey(id)).ToList();
        rig.Log($"sent {stream.Sent.Count}, acked {acked.Count}, stored {stored.Count}, lost {lost.Count}, stored more than once {stored.Count(s => s.Value != 1)}; api pid {pid} throughout: {api.Current.Id == pid && !api.Current.HasExited}");

        Assert.True(outage.Count >= Senders, $"only {outage.Count} attempts during the outage");
        Assert.All(outage, a => Assert.Equal(503, a.Status));
        Assert.All(before, a => Assert.True(a.Ok, $"HTTP {a.Status} before the outage"));
        Assert.All(after, a => Assert.True(a.Ok, $"HTTP {a.Status} after recovery"));
        Assert.True(after.Count > 100, $"only {after.Count} attempts after recovery");
        Assert.Empty(lost);
        Assert.All(stored, s => Assert.Equal(1, s.Value));
        Assert.Empty(stream.Unfinished);
        Assert.Equal(stream.Sent.Count, acked.Count);
        Assert.Equal(stream.Sent.Count, stored.Count);
        Assert.Single(api.Runs);
        Assert.False(api.Current.HasExited);
        rig.AssertNoSecretsInOutput();
    }

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

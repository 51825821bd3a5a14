using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>Group commit with a batch held in the database: loops that join late, and a batcher that stops.</summary>
public sealed partial class GroupCommitTests
{
    private const long HoldKey = 4242;

    /// <summary>
    /// The item of this transaction waits on an advisory lock the returned connection holds (a stand-in for
    /// a row an ops action or the expiry job holds): the batch carrying it cannot commit until released.
    /// </summary>
    private static async Task<NpgsqlConnection> HoldBatchesCarryingAsync(MerchantApiFactory api, string transactionId)
    {
        await api.ScalarAsync<int>($"""
            CREATE FUNCTION wait_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.transaction_id = '{transactionId}' THEN PERFORM pg_advisory_xact_lock_shared({HoldKey}); END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER wait_for_test BEFORE INSERT ON gateway_transactions FOR EACH ROW EXECUTE FUNCTION wait_for_test();
            SELECT 1
            """);
        var holder = new NpgsqlConnection(api.ConnectionString);
        await holder.OpenAsync();
        await using var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({HoldKey})", holder);
        await hold.ExecuteNonQueryAsync();
        return holder;
    }

    /// <summary>Until the held batch waits on the lock.</summary>
    private static async Task HeldAsync(MerchantApiFactory api)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await api.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The stuck postback's batch never reached the lock.");
            await Task.Delay(20);
        }
    }

    private static async Task ReleaseAsync(NpgsqlConnection holder)
    {
        await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({HoldKey})", holder);
        await release.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Posts a postback whose batch waits on the lock the returned holder keeps (dispose it at the end),
    /// and returns once that batch waits there, with the postback's answer still to come.
    /// </summary>
    private static async Task<(string Id, NpgsqlConnection Holder, Task<HttpResponseMessage> Answer)> PostStuckAsync(
        MerchantApiFactory api, HttpClient gateway)
    {
        var id = TestPostbacks.NewTransactionId();
        var holder = await HoldBatchesCarryingAsync(api, id);
        var answer = gateway.PostAsync(TestPostbacks.For("pm_stuck_" + id, id));
        await HeldAsync(api);
        return (id, holder, answer);
    }

    [Fact]
    public async Task A_batch_stuck_on_a_lock_gets_a_second_loop_beside_it_once_the_next_postback_has_waited_ParallelAfter()
    {
        var parallelAfter = TimeSpan.FromMilliseconds(600);
        await using var api = await DefaultBatchingApiAsync(("Postbacks:GroupCommit:Window", "00:00:00"),
            ("Postbacks:GroupCommit:Parallelism", "2"), ("Postbacks:GroupCommit:ParallelAfter", parallelAfter.ToString()));
        using var gateway = api.CreateClient();
        var nextId = TestPostbacks.NewTransactionId();
        var (stuckId, holder, stuck) = await PostStuckAsync(api, gateway);
        await using var _ = holder;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var next = await gateway.PostAsync(TestPostbacks.For("pm_next_" + nextId, nextId)).WaitAsync(TimeSpan.FromSeconds(10));
        var waited = started.Elapsed;

        // Answered while the first batch still waits: a second loop took it, but not before it had waited.
        Assert.Equal((HttpStatusCode.OK, "ok"), (next.StatusCode, await TestPostbacks.StatusOf(next)));
        Assert.Equal(1, await StoredAsync(api, nextId));
        Assert.False(stuck.IsCompleted);
        Assert.True(waited >= parallelAfter * 0.9, $"Answered after {waited.TotalMilliseconds} ms: the second loop did not wait for ParallelAfter.");
        await ReleaseAsync(holder);
        var first = await stuck;
        Assert.Equal((HttpStatusCode.OK, "ok"), (first.StatusCode, await TestPostbacks.StatusOf(first)));
        Assert.Equal(1, await StoredAsync(api, stuckId));
    }

    /// <summary>
    /// Stopping the batcher (the host shutting down) stores what is already queued, and what comes later
    /// is stored alone: the loops end only once the queue is completed and empty.
    /// </summary>
    [Fact]
    public async Task Postbacks_queued_when_the_batcher_stops_are_still_stored_and_later_ones_are_stored_alone()
    {
        await using var api = await DefaultBatchingApiAsync(("Postbacks:GroupCommit:Window", "00:00:00"),
            ("Postbacks:GroupCommit:Parallelism", "1"));
        using var gateway = api.CreateClient();

        // The one slot is held by the stuck postback's batch; two more queue behind it.
        var (stuckId, holder, stuck) = await PostStuckAsync(api, gateway);
        await using var _ = holder;
        var queuedIds = new[] { TestPostbacks.NewTransactionId(), TestPostbacks.NewTransactionId() };
        var queuedBodies = queuedIds.Select(id => TestPostbacks.For("pm_queued_" + id, id)).ToArray();
        var queued = queuedBodies.Select(body => gateway.PostAsync(body)).ToArray();
        await Task.Delay(300);
        Assert.All(queued, q => Assert.False(q.IsCompleted));

        var batcher = api.Services.GetRequiredService<Paykassma.Merchant.Api.Postbacks.PostbackBatcher>();
        var stopping = batcher.StopAsync(CancellationToken.None);
        var laterId = TestPostbacks.NewTransactionId();
        var later = await gateway.PostAsync(TestPostbacks.For("pm_later_" + laterId, laterId)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((HttpStatusCode.OK, "ok"), (later.StatusCode, await TestPostbacks.StatusOf(later)));
        Assert.Equal(1, await StoredAsync(api, laterId));
        Assert.False(stopping.IsCompleted);

        await ReleaseAsync(holder);
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var response in await Task.WhenAll([stuck, .. queued]).WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal((HttpStatusCode.OK, "ok"), (response.StatusCode, await TestPostbacks.StatusOf(response)));
        }
        Assert.All(await Task.WhenAll(queuedIds.Append(stuckId).Select(id => StoredAsync(api, id))), n => Assert.Equal(1, n));
        // The two queued ones were the loop's next batch, after it had stopped taking new postbacks.
        Assert.Equal(1, await CommitsOfAsync(api, queuedBodies));
    }
}

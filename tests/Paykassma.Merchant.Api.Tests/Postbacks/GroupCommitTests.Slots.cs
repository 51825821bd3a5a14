using System.Net;
using System.Net.Http.Headers;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// Who runs a batch (ADR 0029): at most Parallelism batches at once (slots); a postback that finds
/// nothing queued and a slot free is stored by its own request, any other waits in the queue for the
/// next slot. Whose trace a batch's statement is in tells who ran it (a loop's batch has no parent).
/// </summary>
public sealed partial class GroupCommitTests
{
    /// <summary>Posts one postback with its own trace; the statements PostgreSQL ran in that trace.</summary>
    private static async Task<(HttpStatusCode Status, IReadOnlyList<string> Statements)> PostTracedAsync(HttpClient gateway, string transactionId)
    {
        using var roundTrips = new RoundTrips();
        var content = new ByteArrayContent(TestPostbacks.For("pm_slot_" + transactionId, transactionId));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        var (response, statements) = await roundTrips.SendAsync(gateway,
            new HttpRequestMessage(HttpMethod.Post, "/api/paykassma/postback") { Content = content });
        Assert.Equal("ok", await TestPostbacks.StatusOf(response));
        return (response.StatusCode, statements);
    }

    [Fact]
    public async Task A_postback_that_finds_a_slot_free_is_stored_by_its_own_request_in_one_round_trip()
    {
        await using var api = await DefaultBatchingApiAsync();
        using var gateway = api.CreateClient();
        var id = TestPostbacks.NewTransactionId();

        var (status, statements) = await PostTracedAsync(gateway, id);

        // Its batch (of one) ran in the request: no loop was woken for it, nor woke it again.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(statements);
        Assert.Equal(1, await StoredAsync(api, id));
    }

    [Fact]
    public async Task With_loops_that_join_late_a_request_only_queues_its_postback_and_a_loop_stores_it()
    {
        await using var api = await DefaultBatchingApiAsync(("Postbacks:GroupCommit:ParallelAfter", "00:00:00.005"));
        using var gateway = api.CreateClient();
        var id = TestPostbacks.NewTransactionId();

        var (status, statements) = await PostTracedAsync(gateway, id);

        // Late joining is the loops' decision (ADR 0027), so no request runs a batch beside them.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(statements);
        Assert.Equal(1, await StoredAsync(api, id));
    }

    [Fact]
    public async Task A_batch_stuck_on_a_lock_holds_one_slot_and_the_next_postback_is_stored_in_another_at_once()
    {
        // The defaults (two slots, no late joining): a row an ops action holds stalls one batch, not the stream.
        await using var api = await DefaultBatchingApiAsync();
        using var gateway = api.CreateClient();
        var nextId = TestPostbacks.NewTransactionId();
        var (stuckId, holder, stuck) = await PostStuckAsync(api, gateway);
        await using var _ = holder;
        var (status, statements) = await PostTracedAsync(gateway, nextId).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(statements);
        Assert.Equal(1, await StoredAsync(api, nextId));
        Assert.False(stuck.IsCompleted);
        await ReleaseAsync(holder);
        Assert.Equal((HttpStatusCode.OK, "ok"), ((await stuck).StatusCode, await TestPostbacks.StatusOf(await stuck)));
        Assert.Equal(1, await StoredAsync(api, stuckId));
    }

    [Fact]
    public async Task Postbacks_that_find_every_slot_busy_wait_for_the_next_one_and_share_its_batch()
    {
        await using var api = await DefaultBatchingApiAsync(("Postbacks:GroupCommit:Parallelism", "1"));
        using var gateway = api.CreateClient();
        // The one slot is held by the stuck postback's batch (its own request runs it).
        var (stuckId, holder, stuck) = await PostStuckAsync(api, gateway);
        await using var _ = holder;
        var waitingIds = Enumerable.Range(0, 3).Select(_ => TestPostbacks.NewTransactionId()).ToArray();
        var waitingBodies = waitingIds.Select(id => TestPostbacks.For("pm_waiting_" + id, id)).ToArray();
        var waiting = waitingBodies.Select(body => gateway.PostAsync(body)).ToArray();
        await Task.Delay(300);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        Assert.All(await Task.WhenAll(waitingIds.Select(id => StoredAsync(api, id))), n => Assert.Equal(0, n));

        await ReleaseAsync(holder);
        foreach (var response in await Task.WhenAll([stuck, .. waiting]).WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal((HttpStatusCode.OK, "ok"), (response.StatusCode, await TestPostbacks.StatusOf(response)));
        }
        Assert.All(await Task.WhenAll(waitingIds.Append(stuckId).Select(id => StoredAsync(api, id))), n => Assert.Equal(1, n));
        Assert.Equal(1, await CommitsOfAsync(api, waitingBodies));
    }
}

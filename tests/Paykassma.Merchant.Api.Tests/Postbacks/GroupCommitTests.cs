using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// Group commit (Postbacks:GroupCommit, ADR 0022): postbacks that arrive together share one
/// transaction. One batch is made certain here by one batch loop that waits (up to a long window)
/// for as many postbacks as the test sends; that they shared a commit is read from PostgreSQL
/// itself (the rows' xmin, the id of the transaction that wrote them).
/// </summary>
public sealed partial class GroupCommitTests
{
    private static async Task<FastDispatcherFactory> BatchingApiAsync(int batch, PostgresCluster? cluster = null)
    {
        var api = new FastDispatcherFactory();
        await api.InitializeAsync();
        if (cluster is not null)
        {
            api.With("ConnectionStrings:Merchant", await TestPostgres.CreateDatabaseAsync(cluster.ConnectionString));
        }
        api.With("Postbacks:GroupCommit:Enabled", "true")
            .With("Postbacks:GroupCommit:MaxBatch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Postbacks:GroupCommit:Window", "00:00:01")
            .With("Postbacks:GroupCommit:Parallelism", "1");
        return api;
    }

    /// <summary>Group commit at its defaults, but for these settings.</summary>
    private static async Task<FastDispatcherFactory> DefaultBatchingApiAsync(params (string Key, string Value)[] settings)
    {
        var api = new FastDispatcherFactory();
        await api.InitializeAsync();
        api.With("Postbacks:GroupCommit:Enabled", "true");
        foreach (var (key, value) in settings)
        {
            api.With(key, value);
        }
        return api;
    }

    private static string Sha256(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>How many transactions wrote the postback rows of these bodies (one: they were committed together).</summary>
    private static Task<long> CommitsOfAsync(MerchantApiFactory api, IEnumerable<byte[]> bodies) => api.ScalarAsync<long>(
        "SELECT count(DISTINCT xmin::text) FROM postbacks WHERE body_sha256 = ANY(@h)", ("h", bodies.Select(Sha256).ToArray()));

    private static Task<long> StoredAsync(MerchantApiFactory api, string transactionId) => api.ScalarAsync<long>(
        "SELECT count(*) FROM gateway_transactions WHERE transaction_id = @t", ("t", transactionId));

    [Fact]
    public async Task Concurrent_postbacks_share_one_commit_and_each_is_answered_ok_only_once_it_is_stored()
    {
        const int count = 8;
        await using var api = await BatchingApiAsync(count);
        using var gateway = api.CreateClient();
        var ids = Enumerable.Range(0, count).Select(_ => TestPostbacks.NewTransactionId()).ToArray();
        var bodies = ids.Select(id => TestPostbacks.For("pm_group_" + id, id)).ToArray();
        using var batches = BatchSizesOf(api);

        // Each answer is checked the moment it comes, from another connection: ok must already be committed.
        var answers = await Task.WhenAll(ids.Select(async (id, i) =>
        {
            var response = await gateway.PostAsync(bodies[i]);
            return (response.StatusCode, Status: await TestPostbacks.StatusOf(response), StoredWhenAnswered: await StoredAsync(api, id));
        }));

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "ok", 1L), a));
        Assert.Equal(1, await CommitsOfAsync(api, bodies));
        Assert.Equal(count, await api.ScalarAsync<long>(
            "SELECT count(*) FROM postbacks WHERE outcome = 'accepted' AND body_sha256 = ANY(@h)", ("h", bodies.Select(Sha256).ToArray())));
        // Ops see it: this host recorded one batch of 8, and /metrics exports the histogram. Its counts
        // there are not this host's alone: in a test run every host's meter has the same name, and the
        // exporter's listener takes them all (one host per process in production), so they are read here.
        Assert.Equal([count], batches.Sizes);
        var metrics = await (await gateway.GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Matches(@"paykassma_postbacks_batch_size_count(\{[^}]*\})? [1-9]", metrics);
    }

    /// <summary>The batch sizes this host's meter records (its IMeterFactory is the meter's scope), from now on.</summary>
    private static BatchSizeRecorder BatchSizesOf(MerchantApiFactory api) =>
        new(api.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private sealed class BatchSizeRecorder : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<int> _sizes = new();

        public BatchSizeRecorder(System.Diagnostics.Metrics.IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "paykassma.postbacks.batch_size")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, value, _, _) => _sizes.Enqueue(value));
            _listener.Start();
        }

        public int[] Sizes => [.. _sizes];

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task A_postback_the_database_refuses_in_a_batch_is_held_and_the_others_of_the_batch_are_stored()
    {
        const int count = 4;
        await using var api = await BatchingApiAsync(count);
        using var gateway = api.CreateClient();
        var ids = Enumerable.Range(0, count).Select(_ => TestPostbacks.NewTransactionId()).ToArray();
        var refusedOrder = "pm_refused_" + ids[1];
        var bodies = ids.Select((id, i) => TestPostbacks.For(i == 1 ? refusedOrder : "pm_group_" + id, id)).ToArray();
        // A stand-in for a bug nobody foresaw, in this test's own database: one item only is refused.
        await api.ScalarAsync<int>($"""
            CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.custom_order_id = '{refusedOrder}' THEN
                    RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_one BEFORE INSERT ON gateway_transactions FOR EACH ROW EXECUTE FUNCTION refuse_one();
            SELECT 1
            """);

        var answers = await Task.WhenAll(bodies.Select(async body =>
        {
            var response = await gateway.PostAsync(body);
            return (response.StatusCode, await TestPostbacks.StatusOf(response));
        }));

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "ok"), a));
        Assert.Equal("held", await api.ScalarAsync<string>("SELECT outcome FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(bodies[1]))));
        Assert.StartsWith("SQLSTATE 23514", await api.ScalarAsync<string>("SELECT reject_detail FROM postbacks WHERE body_sha256 = @h", ("h", Sha256(bodies[1]))));
        Assert.Equal(0, await StoredAsync(api, ids[1]));
        var others = bodies.Where((_, i) => i != 1).ToArray();
        Assert.Equal(count - 1, await api.ScalarAsync<long>(
            "SELECT count(*) FROM postbacks WHERE outcome = 'accepted' AND body_sha256 = ANY(@h)", ("h", others.Select(Sha256).ToArray())));
        Assert.All(ids.Where((_, i) => i != 1), id => Assert.Equal(1, StoredAsync(api, id).GetAwaiter().GetResult()));
        // The others were not stored one by one after the refusal: still one batch, one commit.
        Assert.Equal(1, await CommitsOfAsync(api, others));
        Assert.Contains(api.Logs.GetSnapshot(), log => log.Message.Contains("refused in a batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_postbacks_carrying_the_same_transaction_in_one_batch_store_and_credit_it_once()
    {
        await using var api = await BatchingApiAsync(2);
        var label = GatewayScript.NewLabel("group");
        var (depositId, customId) = await api.ForwardedProofAsync(label);
        using var gateway = api.CreateClient();
        var shared = TestPostbacks.NewTransactionId();
        // Two different postbacks (not a replay of one): both sign the same transaction, the second one more.
        var bodies = new[]
        {
            TestPostbacks.Body([TestPostbacks.Item(shared, customId)], label),
            TestPostbacks.Body([TestPostbacks.Item(shared, customId), TestPostbacks.Item(TestPostbacks.NewTransactionId(), "pm_other_" + shared)], label),
        };

        var answers = await Task.WhenAll(bodies.Select(async body => (await gateway.PostAsync(body)).StatusCode));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(1, await CommitsOfAsync(api, bodies));
        Assert.Equal(1, await StoredAsync(api, shared));
        Assert.Equal("confirmed", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @id", ("id", depositId)));
        Assert.Equal(300m, await api.ScalarAsync<decimal>("SELECT confirmed_amount FROM deposits WHERE id = @id", ("id", depositId)));
        Assert.Equal(1, await api.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_events WHERE type = 'deposit.confirmed' AND subject_id = @id", ("id", depositId)));
    }

    [Fact]
    public async Task With_PostgreSQL_stopped_every_postback_of_a_batch_is_503_and_each_resend_is_stored_once()
    {
        const int count = 4;
        await using var cluster = await PostgresCluster.CreateAsync();
        await using var api = await BatchingApiAsync(count, cluster);
        using var gateway = api.CreateClient();
        var ids = Enumerable.Range(0, count).Select(_ => TestPostbacks.NewTransactionId()).ToArray();
        var bodies = ids.Select(id => TestPostbacks.For("pm_outage_" + id, id)).ToArray();

        await cluster.StopAsync();
        var during = await Task.WhenAll(bodies.Select(async body => (await gateway.PostAsync(body)).StatusCode));
        await cluster.StartAsync();
        var after = await Task.WhenAll(bodies.Select(async body => (await gateway.PostAsync(body)).StatusCode));

        Assert.All(during, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        Assert.All(after, status => Assert.Equal(HttpStatusCode.OK, status));
        foreach (var id in ids)
        {
            Assert.Equal(1, await StoredAsync(api, id));
        }
        Assert.Equal(1, await CommitsOfAsync(api, bodies));
    }
}

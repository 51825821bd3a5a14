using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Paykassma.Merchant.Api.LiveStatus;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.LiveStatus;

/// <summary>
/// What bounds a live status stream: its token (it ends at exp, and the page reconnects with a fresh
/// one), the user's share of an instance (429) and the instance's own cap (503 with Retry-After).
/// </summary>
public sealed class DepositStreamLimitsTests(DepositStreamLimitsTests.LimitsFactory api) : IClassFixture<DepositStreamLimitsTests.LimitsFactory>
{
    /// <summary>One-second heartbeats, and an instance that holds two streams in all.</summary>
    public sealed class LimitsFactory : MerchantApiFactory
    {
        public LimitsFactory()
        {
            With("Deposits:LiveStatus:HeartbeatInterval", "00:00:01");
            With("Deposits:LiveStatus:MaxStreamsPerUser", "2");
            With("Deposits:LiveStatus:MaxStreams", "2");
        }
    }

    private LiveStatusFeed Feed => api.Services.GetRequiredService<LiveStatusFeed>();

    [Fact]
    public async Task A_stream_ends_by_itself_at_its_tokens_exp_not_before_and_the_page_resumes_with_a_fresh_token()
    {
        await NoStreamOpenAsync();
        var label = GatewayScript.NewLabel("expiring");
        var depositId = await api.CreateDepositAsync(label);
        // A JWT's exp is in whole seconds, so "3 s" could leave two, all of it spent opening the stream on a
        // busy machine (no heartbeat seen): five leave room for the opening and for heartbeats.
        var token = TestTokens.For(label, expires: DateTime.UtcNow.AddSeconds(5));
        var exp = new DateTimeOffset(new JsonWebToken(token).ValidTo, TimeSpan.Zero);

        await using var stream = await EventStream.OpenAsync(ClientWith(token), depositId);
        var first = await stream.NextAsync();
        var heartbeats = 0;
        var clock = Stopwatch.StartNew();
        while (await stream.TryNextAsync() is { } item)
        {
            Assert.Equal(LiveStatusStream.HeartbeatEvent, item.EventType);
            heartbeats++;
        }
        var endedAt = DateTimeOffset.UtcNow;

        Assert.True(endedAt >= exp, $"ended {(exp - endedAt).TotalMilliseconds:0} ms before the token's exp");
        Assert.True(endedAt <= exp.AddSeconds(2), $"ended {(endedAt - exp).TotalMilliseconds:0} ms after the token's exp");
        Assert.True(heartbeats >= 1, $"the stream was quiet for {clock.Elapsed.TotalSeconds:0.0} s before it ended, with no heartbeat");
        await Eventually.WaitForAsync(() => Task.FromResult(Feed.OpenStreams), n => n == 0);

        // The expired token is still inside the bearer handler's clock skew, but no stream outlives it.
        using (var staleClient = ClientWith(token))
        using (var stale = await staleClient.GetAsync($"/api/deposits/{depositId}/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
            Assert.Equal(Problems.Unauthorized, (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
        // The recipe: a fresh token and Last-Event-ID. A change made while away is replayed first.
        await api.ForwardedProofAsync(label, depositId, 300);
        await using var resumed = await EventStream.OpenAsync(api.ClientFor(label), depositId, lastEventId: first.EventId);
        Assert.Equal("proof_submitted", DepositEventsTests.StatusOf(await resumed.NextAsync()));
        Assert.Equal("pending_confirmation", DepositEventsTests.StatusOf(await resumed.NextAsync()));
    }

    [Fact]
    public async Task Beyond_the_instances_cap_a_stream_is_a_503_with_Retry_After_and_a_closed_stream_frees_its_place()
    {
        await NoStreamOpenAsync();
        var streams = new List<EventStream>();
        try
        {
            foreach (var _ in Enumerable.Range(0, 2))
            {
                var label = GatewayScript.NewLabel("capped");
                var stream = await EventStream.OpenAsync(api.ClientFor(label), await api.CreateDepositAsync(label));
                streams.Add(stream);
                await stream.NextAsync();
            }
            var third = GatewayScript.NewLabel("capped");
            var thirdDeposit = await api.CreateDepositAsync(third);
            using var client = api.ClientFor(third);

            using (var refused = await client.GetAsync($"/api/deposits/{thirdDeposit}/events", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.Equal(Problems.StreamsAtCapacity, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
                Assert.Equal(TimeSpan.FromSeconds(10), refused.Headers.RetryAfter?.Delta);
            }
            Assert.Equal(2, Feed.OpenStreams);
            // Ops see it: the open streams and the refusals, by reason. The exporter also sees the meters of
            // other test hosts alive in this process (same names, other feeds), so the gauge's value is read
            // from this host's own meter, and the exposition is checked for the names and the refusal.
            Assert.Equal(2, OpenStreamsGauge());
            using var scraper = api.CreateClient();
            const string refusedLine = "paykassma_deposits_streams_refused_total\\{[^}]*reason=\"at_capacity\"[^}]*\\} [1-9]";
            // The exporter may answer with a scrape cached a moment ago: wait for one taken since.
            var metrics = await Eventually.WaitForAsync(() => scraper.GetStringAsync("/metrics"),
                text => System.Text.RegularExpressions.Regex.IsMatch(text, refusedLine) && text.Contains("paykassma_deposits_streams_open{", StringComparison.Ordinal));
            var lines = string.Join("\n", metrics.Split('\n').Where(l => l.StartsWith("paykassma_deposits_streams", StringComparison.Ordinal)));
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(metrics, refusedLine), lines);
            Assert.Contains("paykassma_deposits_streams_open{", metrics, StringComparison.Ordinal);
            // The database is fine meanwhile: the deposit itself still answers.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/deposits/{thirdDeposit}")).StatusCode);

            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            var status = await Eventually.WaitForAsync(async () =>
            {
                using var retry = await client.GetAsync($"/api/deposits/{thirdDeposit}/events", HttpCompletionOption.ResponseHeadersRead);
                return retry.StatusCode;
            }, s => s == HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_stream_that_ends_or_is_answered_204_or_404_leaves_no_watch_behind()
    {
        await NoStreamOpenAsync();
        var label = GatewayScript.NewLabel("watchless");
        var depositId = await api.CreateDepositAsync(label);
        var customId = await api.ForwardedProofAsync(label, depositId, 300);
        using var gateway = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", label))).StatusCode);

        string latest;
        await using (var final = await EventStream.OpenAsync(api.ClientFor(label), depositId))
        {
            latest = (await final.NextAsync()).EventId!;
            Assert.True(await final.EndsAsync());
        }
        using var user = api.ClientFor(label);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/deposits/{depositId}/events");
        request.Headers.Add("Last-Event-ID", latest);
        Assert.Equal(HttpStatusCode.NoContent, (await user.SendAsync(request)).StatusCode);
        using var stranger = api.ClientFor(GatewayScript.NewLabel("stranger"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/deposits/{depositId}/events")).StatusCode);

        Assert.Equal(0, await api.ScalarAsync<long>("SELECT count(*) FROM deposit_watches WHERE deposit_id = @d", ("d", depositId)));
    }

    [Fact]
    public void The_feed_says_why_it_refuses_the_users_limit_before_the_instances()
    {
        var feed = new LiveStatusFeed(Microsoft.Extensions.Options.Options.Create(new LiveStatusOptions { MaxStreamsPerUser = 1, MaxStreams = 2 }));
        var alice = feed.TrySubscribe("alice", Guid.NewGuid(), out var opened)!;
        Assert.Equal(LiveStatusStart.Open, opened);
        Assert.NotNull(feed.TrySubscribe("bob", Guid.NewGuid(), out _));

        Assert.Null(feed.TrySubscribe("alice", Guid.NewGuid(), out var aliceAgain));
        Assert.Null(feed.TrySubscribe("carol", Guid.NewGuid(), out var carol));
        Assert.Equal((LiveStatusStart.TooManyStreams, LiveStatusStart.AtCapacity), (aliceAgain, carol));
        Assert.Equal(2, feed.OpenStreams);

        alice.Dispose();
        Assert.NotNull(feed.TrySubscribe("carol", Guid.NewGuid(), out _));
    }

    [Fact]
    public async Task A_stream_that_stops_reading_is_dropped_when_its_queue_is_full_and_its_place_is_freed()
    {
        var feed = new LiveStatusFeed(Microsoft.Extensions.Options.Options.Create(new LiveStatusOptions { MaxStreamsPerUser = 1 }));
        var depositId = Guid.NewGuid();
        var stuck = feed.TrySubscribe("user", depositId, out _)!;
        Assert.Null(feed.TrySubscribe("user", Guid.NewGuid(), out var refusal));
        Assert.Equal(LiveStatusStart.TooManyStreams, refusal);

        for (var changeId = 1; changeId <= LiveStatusFeed.SignalCapacity + 1; changeId++)
        {
            feed.Publish(depositId, changeId);
        }

        // What was queued is still read (from the table) once; then the stream ends instead of queueing more.
        Assert.Equal(LiveStatusWake.Changed, await stuck.WaitAsync(0, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None));
        Assert.Equal(LiveStatusWake.Dropped, await stuck.WaitAsync(long.MaxValue, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None));
        stuck.Dispose();
        Assert.Equal(0, feed.OpenStreams);
        Assert.NotNull(feed.TrySubscribe("user", depositId, out _));
    }

    private HttpClient ClientWith(string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A stream another test closed frees its place once the server sees the client gone.</summary>
    private async Task NoStreamOpenAsync() =>
        Assert.Equal(0, await Eventually.WaitForAsync(() => Task.FromResult(Feed.OpenStreams), n => n == 0));

    /// <summary>The open-streams gauge as this host's meter reports it (its IMeterFactory is the meter's scope).</summary>
    private long OpenStreamsGauge()
    {
        var factory = api.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        long? open = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "paykassma.deposits.streams.open")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => open = value);
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => open = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return open ?? throw new InvalidOperationException("This host publishes no paykassma.deposits.streams.open gauge.");
    }
}

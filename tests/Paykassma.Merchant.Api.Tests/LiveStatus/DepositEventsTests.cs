using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Paykassma.Merchant.Api.LiveStatus;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.LiveStatus;

/// <summary>
/// GET /api/deposits/{id}/events: the deposit page's live status, fed by the trigger on deposits
/// through LISTEN/NOTIFY (ADR 0013). Each test reads the stream as a browser would, with the SSE parser.
/// </summary>
public sealed partial class DepositEventsTests(DepositEventsTests.EventsFactory api) : IClassFixture<DepositEventsTests.EventsFactory>
{
    private readonly string _label = GatewayScript.NewLabel("live");

    [Fact]
    public async Task Another_users_or_an_unknown_deposit_is_a_404_problem_before_any_stream()
    {
        var depositId = await api.CreateDepositAsync(_label);
        using var stranger = api.ClientFor(GatewayScript.NewLabel("other"));

        foreach (var id in new[] { depositId, Guid.NewGuid() })
        {
            using var response = await stranger.GetAsync($"/api/deposits/{id}/events", HttpCompletionOption.ResponseHeadersRead);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Problems.NotFound, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
        Assert.Equal(0, api.Services.GetRequiredService<LiveStatusFeed>().OpenStreams);
    }

    [Fact]
    public async Task The_first_event_is_the_current_state_with_the_latest_change_id_and_a_quiet_stream_sends_heartbeats()
    {
        var depositId = await api.CreateDepositAsync(_label);

        await using var stream = await EventStream.OpenAsync(api.ClientFor(_label), depositId);

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        var first = await stream.NextAsync();
        Assert.Equal("status", first.EventType);
        Assert.Equal((await ChangeIdsAsync(depositId)).Single().ToString(System.Globalization.CultureInfo.InvariantCulture), first.EventId);
        var state = JsonDocument.Parse(first.Data).RootElement;
        Assert.Equal(depositId, state.GetProperty("id").GetGuid());
        Assert.Equal("awaiting_payment", state.GetProperty("status").GetString());
        Assert.Equal(300, state.GetProperty("amount").GetInt32());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("confirmedAmount").ValueKind);
        Assert.False(state.GetProperty("amountMismatch").GetBoolean());
        Assert.True(state.TryGetProperty("updatedAt", out _));
        var heartbeat = await stream.NextAsync(skipHeartbeats: false);
        Assert.Equal("heartbeat", heartbeat.EventType);
        Assert.Null(heartbeat.EventId);
    }

    [Fact]
    public async Task A_proof_and_a_confirming_postback_arrive_in_order_and_the_stream_ends_after_confirmed()
    {
        var depositId = await api.CreateDepositAsync(_label);
        await using var stream = await EventStream.OpenAsync(api.ClientFor(_label), depositId);
        var initial = await stream.NextAsync();

        var customId = await api.ForwardedProofAsync(_label, depositId, 300);
        using var gateway = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label))).StatusCode);

        var events = new[] { await stream.NextAsync(), await stream.NextAsync(), await stream.NextAsync() };
        Assert.Equal(["proof_submitted", "pending_confirmation", "confirmed"], events.Select(e => StatusOf(e)));
        Assert.Equal(300m, JsonDocument.Parse(events[2].Data).RootElement.GetProperty("confirmedAmount").GetDecimal());
        Assert.Equal((await ChangeIdsAsync(depositId)).Skip(1), events.Select(e => long.Parse(e.EventId!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(long.Parse(events[0].EventId!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(initial.EventId!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await stream.EndsAsync());
        await Eventually.WaitForAsync(() => Task.FromResult(api.Services.GetRequiredService<LiveStatusFeed>().OpenStreams), n => n == 0);
    }

    [Fact]
    public async Task Last_Event_ID_replays_exactly_the_missed_changes_then_the_live_ones_and_a_finished_deposit_answers_204()
    {
        var depositId = await api.CreateDepositAsync(_label);
        string seen;
        await using (var before = await EventStream.OpenAsync(api.ClientFor(_label), depositId))
        {
            seen = (await before.NextAsync()).EventId!;
        }
        // Missed while away: the proof's two moves.
        var customId = await api.ForwardedProofAsync(_label, depositId, 300);

        await using var resumed = await EventStream.OpenAsync(api.ClientFor(_label), depositId, lastEventId: seen);
        var replayed = new[] { await resumed.NextAsync(), await resumed.NextAsync() };
        using var gateway = api.CreateClient();
        await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", _label));
        var live = await resumed.NextAsync();

        Assert.Equal(["proof_submitted", "pending_confirmation", "confirmed"], replayed.Append(live).Select(e => StatusOf(e)));
        Assert.Equal((await ChangeIdsAsync(depositId)).Skip(1).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            replayed.Append(live).Select(e => e.EventId));
        Assert.True(await resumed.EndsAsync());

        // Reconnecting after the final event: nothing more will come, and 204 tells the client to stop.
        using var again = api.ClientFor(_label);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/deposits/{depositId}/events");
        request.Headers.Add("Last-Event-ID", live.EventId);
        using var finished = await again.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.NoContent, finished.StatusCode);
        // Without the header (or with an id that is not this deposit's) it is the current state, once.
        await using var fresh = await EventStream.OpenAsync(api.ClientFor(_label), depositId, lastEventId: "999999999");
        var state = await fresh.NextAsync();
        Assert.Equal(("confirmed", live.EventId), (StatusOf(state), state.EventId));
        Assert.True(await fresh.EndsAsync());
    }

    [Fact]
    public async Task A_change_made_through_one_instance_is_seen_on_a_stream_opened_on_another()
    {
        await using var other = new MerchantApiFactory();
        await other.InitializeAsync();
        other.With("ConnectionStrings:Merchant", api.ConnectionString).With("Paykassma:ApiBaseUrl", api.Gateway.Url);
        var depositId = await api.CreateDepositAsync(_label);
        await using var stream = await EventStream.OpenAsync(other.ClientFor(_label), depositId);
        await stream.NextAsync();

        await api.ForwardedProofAsync(_label, depositId, 300);

        Assert.Equal("proof_submitted", StatusOf(await stream.NextAsync()));
        Assert.Equal("pending_confirmation", StatusOf(await stream.NextAsync()));

        // At shutdown the stream ends cleanly instead of holding the host open.
        var ends = stream.EndsAsync();
        await other.DisposeAsync();
        Assert.True(await ends);
    }

    [Fact]
    public async Task Beyond_the_per_user_limit_a_stream_is_a_429_problem_and_a_closed_stream_frees_its_place()
    {
        var depositId = await api.CreateDepositAsync(_label);
        var first = await EventStream.OpenAsync(api.ClientFor(_label), depositId);
        await using var second = await EventStream.OpenAsync(api.ClientFor(_label), depositId);
        await first.NextAsync();
        await second.NextAsync();

        using var client = api.ClientFor(_label);
        using var refused = await client.GetAsync($"/api/deposits/{depositId}/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(Problems.TooManyStreams, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        // Another user is not affected.
        var otherLabel = GatewayScript.NewLabel("live");
        await using (var others = await EventStream.OpenAsync(api.ClientFor(otherLabel), await api.CreateDepositAsync(otherLabel)))
        {
            await others.NextAsync();
        }
        await first.DisposeAsync();
        var status = await Eventually.WaitForAsync(async () =>
        {
            using var retry = await client.GetAsync($"/api/deposits/{depositId}/events", HttpCompletionOption.ResponseHeadersRead);
            return retry.StatusCode;
        }, s => s == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_change_made_while_the_listener_was_disconnected_still_arrives_once_it_listens_again()
    {
        var depositId = await api.CreateDepositAsync(_label);
        await using var stream = await EventStream.OpenAsync(api.ClientFor(_label), depositId);
        await stream.NextAsync();
        // The listener connects as the host starts, concurrently with the first test: kill it once it listens.
        await Eventually.WaitForAsync(() => Task.FromResult(Logged(3201)), logged => logged);

        // Held, its reconnect waits for the change below however long the upload takes on a loaded machine.
        api.ListenerClock.Hold();
        try
        {
            Assert.True(await KillListenerAsync());
            Assert.Equal(0, await Eventually.WaitForAsync(ListenersAsync, n => n == 0));
            await api.ForwardedProofAsync(_label, depositId, 300);
            // The change really was made in the gap: nobody was listening for its NOTIFY.
            Assert.Equal(0, await ListenersAsync());
        }
        finally
        {
            api.ListenerClock.Release();
        }

        Assert.Equal("proof_submitted", StatusOf(await stream.NextAsync()));
        Assert.Equal("pending_confirmation", StatusOf(await stream.NextAsync()));
        // The stream re-reads its deposit on its own too (DepositWatchTests), so it may have had them before the listener is back.
        Assert.Equal(1, await Eventually.WaitForAsync(ListenersAsync, n => n == 1));
        // The backend shows in pg_stat_activity as soon as it connects, before LISTEN ran and "listening
        // again" (3202) was logged: wait for the line rather than race it.
        Assert.True(await Eventually.WaitForAsync(() => Task.FromResult(LoggedAgain()), logged => logged));
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Id == 3203);
    }

    [Fact]
    public async Task A_rolled_back_change_and_an_update_that_changes_nothing_emit_nothing()
    {
        var depositId = await api.CreateDepositAsync(_label);
        await using var stream = await EventStream.OpenAsync(api.ClientFor(_label), depositId);
        await stream.NextAsync();
        var recorded = await ChangeIdsAsync(depositId);

        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var expire = new NpgsqlCommand("UPDATE deposits SET status = 'expired', updated_at = now() WHERE id = @id", connection, transaction))
            {
                expire.Parameters.AddWithValue("id", depositId);
                Assert.Equal(1, await expire.ExecuteNonQueryAsync());
            }
            await transaction.RollbackAsync();
            await using var same = new NpgsqlCommand("UPDATE deposits SET status = status, amount_mismatch = amount_mismatch WHERE id = @id", connection);
            same.Parameters.AddWithValue("id", depositId);
            Assert.Equal(1, await same.ExecuteNonQueryAsync());
        }
        Assert.Equal(recorded, await ChangeIdsAsync(depositId));
        await api.ForwardedProofAsync(_label, depositId, 300);

        // The next event is the proof's, not the expiry that never happened.
        Assert.Equal("proof_submitted", StatusOf(await stream.NextAsync()));
    }

    [Fact]
    public async Task Recorded_changes_older_than_the_retention_are_deleted_and_newer_ones_kept()
    {
        var depositId = await api.CreateDepositAsync(_label);
        var kept = await ChangeIdsAsync(depositId);
        var old = await api.ScalarAsync<long>(
            "INSERT INTO deposit_changes (deposit_id, status, amount_mismatch, at) VALUES (@d, 'awaiting_payment', false, now() - interval '8 days') RETURNING id",
            ("d", depositId));

        var deleted = await api.Services.GetRequiredService<LiveStatusRetention>().DeleteExpiredAsync(CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.Equal(0, await api.ScalarAsync<long>("SELECT count(*) FROM deposit_changes WHERE id = @id", ("id", old)));
        Assert.Equal(kept, await ChangeIdsAsync(depositId));
    }

    [Fact]
    public async Task The_stream_has_no_request_time_limit_and_is_documented_as_an_event_stream_with_its_answers()
    {
        var endpoint = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == "/api/deposits/{id:guid}/events");
        Assert.NotNull(endpoint.Metadata.GetMetadata<DisableRequestTimeoutAttribute>());

        using var ops = api.ClientFor("ops", ops: true);
        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var responses = document.GetProperty("paths").GetProperty("/api/deposits/{id}/events").GetProperty("get").GetProperty("responses");
        var stream = responses.GetProperty("200").GetProperty("content").GetProperty("text/event-stream");
        Assert.Equal("status", stream.GetProperty("example").GetProperty("eventType").GetString());
        Assert.True(responses.TryGetProperty("204", out _));
        Assert.True(responses.GetProperty("404").GetProperty("content").GetProperty("application/problem+json").TryGetProperty("example", out _));
        Assert.EndsWith("too-many-streams", responses.GetProperty("429").GetProperty("content").GetProperty("application/problem+json")
            .GetProperty("example").GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(Problems.StreamsAtCapacity, responses.GetProperty("503").GetProperty("content").GetProperty("application/problem+json")
            .GetProperty("example").GetProperty("type").GetString());
        Assert.False(responses.TryGetProperty("504", out _));
    }
}

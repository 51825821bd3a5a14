using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Attention;

/// <summary>Marking an entry seen: a note required, one audit row written with the mark, hidden until its state changes.</summary>
public sealed partial class AttentionTests
{
    private Task<int> SeenMarksAsync(Guid subject) =>
        api.ScalarAsync<int>("SELECT count(*) FROM ops_actions WHERE subject_id = @s AND action = 'attention_seen'", ("s", subject));

    private Task<Guid> RefusedPayoutAsync() => api.PayoutAsync(_label, """{"status":"fail","message":"Insufficient balance"}""");

    [Fact]
    public async Task Marking_an_entry_seen_needs_a_note_hides_it_and_writes_one_audit_row_with_the_note()
    {
        var id = await RefusedPayoutAsync();
        using var ops = api.OpsClient("ops-carla");

        var noBody = await ops.PostAsync($"/api/ops/attention/payout_refused/{id}/seen", null);
        var noNote = await api.MarkSeenAsync("payout_refused", id, new { });
        var blank = await api.MarkSeenAsync("payout_refused", id, new { note = "   " });
        var tooLong = await api.MarkSeenAsync("payout_refused", id, new { note = new string('n', 501) });
        var reasonInstead = await api.MarkSeenAsync("payout_refused", id, new { reason = "the wrong member" });

        Assert.All([noBody, noNote, blank, tooLong, reasonInstead], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.True((await noNote.JsonAsync()).GetProperty("errors").TryGetProperty("note", out _));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM ops_actions WHERE subject_id = @s", ("s", id)));
        await api.OnlyEntryAsync(id, "payout_refused");

        var marked = await api.MarkSeenAsync("payout_refused", id, new { note = "  Back office credits the user back  " }, actor: "ops-carla");

        Assert.Equal(HttpStatusCode.NoContent, marked.StatusCode);
        Assert.Empty(await api.EntriesOfAsync(id));
        var seen = await api.OnlyEntryAsync(id, "payout_refused", seen: true);
        Assert.Equal(("ops-carla", "Back office credits the user back"),
            (seen.GetProperty("seen").GetProperty("actor").GetString(), seen.GetProperty("seen").GetProperty("note").GetString()));
        var page = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/actions?subjectId={id}");
        var action = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(("attention_seen", "payout", "ops-carla", "Back office credits the user back"),
            (action.GetProperty("action").GetString(), action.GetProperty("subjectType").GetString(), action.GetProperty("actor").GetString(),
             action.GetProperty("reason").GetString()));
        Assert.Equal("payout_refused", action.GetProperty("detail").GetProperty("kind").GetString());
        Assert.Equal(seen.GetProperty("since").GetDateTimeOffset(), action.GetProperty("detail").GetProperty("since").GetDateTimeOffset());
        Assert.Equal(seen.GetProperty("seen").GetProperty("at").GetDateTimeOffset(), action.GetProperty("at").GetDateTimeOffset());

        // Marked already: nothing more to mark, nothing more written.
        var again = await api.MarkSeenAsync("payout_refused", id, new { note = "twice" });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(1, await SeenMarksAsync(id));
    }

    [Fact]
    public async Task Unknown_kinds_subjects_and_a_kind_the_subject_is_not_are_404_and_write_nothing()
    {
        var id = await RefusedPayoutAsync();
        var stranger = Guid.NewGuid();

        var unknownKind = await api.MarkSeenAsync("payout_lost", id, new { note = "x" });
        var unknownSubject = await api.MarkSeenAsync("payout_refused", stranger, new { note = "x" });
        var otherKind = await api.MarkSeenAsync("payout_failed", id, new { note = "x" });
        using var ops = api.Ops();
        var notAnId = await ops.PostAsJsonAsync("/api/ops/attention/payout_refused/42/seen", new { note = "x" });

        Assert.All([unknownKind, unknownSubject, otherKind, notAnId], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal("application/problem+json", unknownKind.Content.Headers.ContentType?.MediaType);
        Assert.Contains("payout_refused", (await unknownKind.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM ops_actions WHERE subject_id IN (@a, @b)", ("a", id), ("b", stranger)));
        Assert.Null(await api.ScalarAsync<DateTime?>("SELECT attention_seen_since FROM payouts WHERE id = @id", ("id", id)));
        await api.OnlyEntryAsync(id, "payout_refused");
    }

    [Fact]
    public async Task A_seen_failed_payout_comes_back_when_it_fails_again_after_a_retry()
    {
        var id = await api.FailedPayoutAsync(_label);
        var first = await api.OnlyEntryAsync(id, "payout_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await api.MarkSeenAsync("payout_failed", id, new { note = "Asked the gateway" })).StatusCode);
        Assert.Empty(await api.EntriesOfAsync(id));

        using var ops = api.Ops();
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/ops/payouts/{id}/retry", new { reason = "The gateway says it never got it" })).StatusCode);
        Assert.Equal("failed", await Eventually.WaitForAsync(async () =>
            await api.ScalarAsync<int>("SELECT attempts FROM payouts WHERE id = @id", ("id", id)) >= 4 ? await api.PayoutStatusAsync(id) : "retrying",
            s => s == "failed"));

        var again = await api.OnlyEntryAsync(id, "payout_failed");
        Assert.True(again.GetProperty("since").GetDateTimeOffset() > first.GetProperty("since").GetDateTimeOffset());
        Assert.Empty(await api.EntriesOfAsync(id, seen: true)); // the old mark covers the old failure only
        Assert.Equal(HttpStatusCode.NoContent, (await api.MarkSeenAsync("payout_failed", id, new { note = "Still nothing" })).StatusCode);
        Assert.Equal(2, await SeenMarksAsync(id));
    }

    [Fact]
    public async Task A_seen_event_comes_back_when_its_redelivery_fails_too()
    {
        var payout = await api.PayoutAsync(_label, PayoutScript.Ok);
        var eventId = await api.ScalarAsync<Guid>("SELECT id FROM outbox_events WHERE subject_id = @id AND type = 'payout.sent'", ("id", payout));
        await Eventually.WaitForAsync(() => api.ScalarAsync<string>("SELECT status FROM outbox_events WHERE id = @id", ("id", eventId)), s => s == "failed");
        Assert.Equal(HttpStatusCode.NoContent, (await api.MarkSeenAsync("event_failed", eventId, new { note = "Ledger team paged" })).StatusCode);
        Assert.Empty(await api.EntriesOfAsync(eventId));

        using var ops = api.Ops();
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/api/ops/events/{eventId}/redeliver", null)).StatusCode);
        await Eventually.WaitForAsync(() => api.ScalarAsync<int>(
            "SELECT count(*) FROM outbox_events WHERE id = @id AND status = 'failed' AND failed_at > attention_seen_since", ("id", eventId)), n => n == 1);

        await api.OnlyEntryAsync(eventId, "event_failed");
    }

    [Fact]
    public async Task An_expired_deposit_marked_seen_stays_hidden_and_its_mark_is_about_the_deposit()
    {
        var depositId = await api.CreateDepositAsync(_label);
        await api.ForwardedProofAsync(_label, depositId, claimed: 300);
        await api.ExecAsync("UPDATE deposits SET proof_forwarded_at = now() - interval '80 hours', created_at = now() - interval '80 hours', "
            + "status = 'expired', expired_at = now() WHERE id = @id", ("id", depositId));
        await api.OnlyEntryAsync(depositId, "proof_unconfirmed");

        Assert.Equal(HttpStatusCode.NoContent,
            (await api.MarkSeenAsync("proof_unconfirmed", depositId, new { note = "Gateway: no such transfer" })).StatusCode);

        Assert.Empty(await api.EntriesOfAsync(depositId));
        Assert.Equal("deposit", await api.ScalarAsync<string>(
            "SELECT subject_type FROM ops_actions WHERE subject_id = @id AND action = 'attention_seen'", ("id", depositId)));
        Assert.Equal("Gateway: no such transfer",
            (await api.OnlyEntryAsync(depositId, "proof_unconfirmed", seen: true)).GetProperty("seen").GetProperty("note").GetString());
    }
}

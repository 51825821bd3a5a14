using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Attention;

/// <summary>One list across the kinds: oldest first, a kind filter, pages, the count of every kind.</summary>
public sealed partial class AttentionTests
{
    private static readonly string[] AllKinds =
    [
        "proof_unconfirmed", "proof_queued", "proof_failed", "payout_awaiting_approval", "payout_refused", "payout_failed", "payout_stale",
        "payout_status_conflict", "postback_held", "item_unapplied", "event_failed", "deposit_amount_differs",
    ];

    [Fact]
    public async Task The_list_is_oldest_first_across_kinds_with_a_kind_filter_pages_and_every_kinds_count()
    {
        // Three kinds, their since moved to a moment older than anything else in this database.
        var refused = await RefusedPayoutAsync();
        var item = await api.UnmatchedItemAsync();
        var (_, proof) = await api.QueuedProofAsync(_label);
        await api.ExecAsync("UPDATE proofs SET status = 'failed', updated_at = '1990-01-01T00:00:00Z' WHERE id = @id", ("id", proof));
        await api.ExecAsync("UPDATE payouts SET updated_at = '1990-01-01T01:00:00Z' WHERE id = @id", ("id", refused));
        await api.ExecAsync("UPDATE gateway_transactions SET stored_at = '1990-01-01T02:00:00Z' WHERE id = @id", ("id", item));
        using var ops = api.Ops();

        var first = await ops.GetFromJsonAsync<JsonElement>("/api/ops/attention?pageSize=3");
        var second = await ops.GetFromJsonAsync<JsonElement>("/api/ops/attention?page=2&pageSize=1");
        var refusedOnly = await ops.GetFromJsonAsync<JsonElement>("/api/ops/attention?kind=payout_refused&pageSize=200");

        Assert.Equal([(proof, "proof_failed"), (refused, "payout_refused"), (item, "item_unapplied")],
            first.GetProperty("items").EnumerateArray().Select(e => (e.GetProperty("subjectId").GetGuid(), e.GetProperty("kind").GetString())));
        Assert.Equal(DateTimeOffset.Parse("1990-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            first.GetProperty("items")[0].GetProperty("since").GetDateTimeOffset());
        Assert.Equal(refused, Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("subjectId").GetGuid());
        Assert.Equal((2, 1), (second.GetProperty("page").GetInt32(), second.GetProperty("pageSize").GetInt32()));

        var byKind = first.GetProperty("byKind").EnumerateArray().ToDictionary(k => k.GetProperty("kind").GetString()!, k => k.GetProperty("count").GetInt64());
        Assert.Equal(AllKinds.Order(), byKind.Keys.Order());
        Assert.Equal(byKind.Values.Sum(), first.GetProperty("total").GetInt64());
        Assert.True(byKind["payout_refused"] >= 1 && byKind["item_unapplied"] >= 1 && byKind["proof_failed"] >= 1);

        var refusedItems = refusedOnly.GetProperty("items").EnumerateArray().ToList();
        Assert.All(refusedItems, e => Assert.Equal("payout_refused", e.GetProperty("kind").GetString()));
        Assert.Equal(refused, refusedItems[0].GetProperty("subjectId").GetGuid());
        Assert.Equal(byKind["payout_refused"], refusedOnly.GetProperty("total").GetInt64());
        Assert.Equal(refusedItems.Select(e => e.GetProperty("since").GetDateTimeOffset()).Order(),
            refusedItems.Select(e => e.GetProperty("since").GetDateTimeOffset()));
    }

    [Fact]
    public async Task Bad_filters_and_pages_are_400_naming_the_parameter()
    {
        using var ops = api.Ops();

        var unknownKind = await ops.GetAsync("/api/ops/attention?kind=everything");
        var pageZero = await ops.GetAsync("/api/ops/attention?page=0");
        var hugePage = await ops.GetAsync("/api/ops/attention?pageSize=201");
        var seenMaybe = await ops.GetAsync("/api/ops/attention?seen=maybe");

        Assert.All([unknownKind, pageZero, hugePage, seenMaybe], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Contains("payout_refused", (await unknownKind.JsonAsync()).GetProperty("errors").GetProperty("kind")[0].GetString(), StringComparison.Ordinal);
        Assert.True((await hugePage.JsonAsync()).GetProperty("errors").TryGetProperty("pageSize", out _));
    }
}

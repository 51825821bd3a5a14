using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Ops;

/// <summary>
/// Every ops action that changes state names its actor: one ops_actions row, written with the change,
/// only when the change happened; a reason where the action needs one; GET /api/ops/actions lists them.
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class OpsActionsTests(PayoutApiFactory api)
{
    private Task<int> ActionsOnAsync(Guid subject) =>
        api.ScalarAsync<int>("SELECT count(*) FROM ops_actions WHERE subject_id = @s", ("s", subject));

    private async Task<Guid> HeldPayoutAsync(string label, string creator = PayoutScript.BackOffice)
    {
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var response = await api.BackOfficeClient(creator).CreateAsync(PayoutScript.Body(label, amount: PayoutApiFactory.ApprovalThreshold + 1), "held-" + label);
        var payout = await response.JsonAsync();
        Assert.Equal("awaiting_approval", payout.GetProperty("status").GetString());
        return payout.GetProperty("id").GetGuid();
    }

    private async Task<Guid> RefusedPayoutAsync(string label)
    {
        api.Gateway.AnswersWithdrawal(label, """{"status":"fail","message":"Insufficient balance"}""");
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "refused-" + label)).JsonAsync();
        Assert.Equal("refused", payout.GetProperty("status").GetString());
        return payout.GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> OnlyActionAsync(Guid subject)
    {
        var page = await api.OpsClient("auditor").GetFromJsonAsync<JsonElement>($"/api/ops/actions?subjectId={subject}");
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        return Assert.Single(page.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_approval_is_one_row_with_its_actor_and_optional_reason_and_a_refused_one_writes_none()
    {
        var id = await HeldPayoutAsync(PayoutScript.NewLabel(), creator: "alice");

        var own = await api.ClientWithRoles("alice", "ops").PostAsJsonAsync($"/api/ops/payouts/{id}/approve", new { reason = "mine" });
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal(0, await ActionsOnAsync(id));

        var approved = await api.OpsClient("bob").PostAsJsonAsync($"/api/ops/payouts/{id}/approve", new { reason = "  Called the user back  " });
        var twice = await api.OpsClient("carl").PostAsync($"/api/ops/payouts/{id}/approve", null);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        var action = await OnlyActionAsync(id);
        Assert.Equal("payout_approve", action.GetProperty("action").GetString());
        Assert.Equal("payout", action.GetProperty("subjectType").GetString());
        Assert.Equal("bob", action.GetProperty("actor").GetString());
        Assert.Equal("Called the user back", action.GetProperty("reason").GetString());
        // The payout's ops view shows the same record.
        var detail = await api.OpsClient("auditor").GetFromJsonAsync<JsonElement>($"/api/ops/payouts/{id}");
        Assert.Equal(action.GetProperty("id").GetInt64(), Assert.Single(detail.GetProperty("actions").EnumerateArray()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task An_approval_without_a_body_is_recorded_without_a_reason()
    {
        var id = await HeldPayoutAsync(PayoutScript.NewLabel());

        var approved = await api.OpsClient("bea").PostAsync($"/api/ops/payouts/{id}/approve", null);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var action = await OnlyActionAsync(id);
        Assert.Equal(("bea", JsonValueKind.Null), (action.GetProperty("actor").GetString(), action.GetProperty("reason").ValueKind));
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_and_is_one_row_and_a_rejection_in_the_wrong_status_writes_none()
    {
        var id = await HeldPayoutAsync(PayoutScript.NewLabel());

        var noBody = await api.OpsClient("dana").PostAsync($"/api/ops/payouts/{id}/reject", null);
        var blank = await api.OpsClient("dana").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = "   " });
        var tooLong = await api.OpsClient("dana").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = new string('x', 501) });
        Assert.All([noBody, blank, tooLong], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(0, await ActionsOnAsync(id));
        Assert.Equal("awaiting_approval", await api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)));

        var rejected = await api.OpsClient("dana").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = "KYC name mismatch" });
        var again = await api.OpsClient("ed").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = "again" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var action = await OnlyActionAsync(id);
        Assert.Equal(("payout_reject", "dana", "KYC name mismatch"),
            (action.GetProperty("action").GetString(), action.GetProperty("actor").GetString(), action.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_payout_retry_needs_a_reason_and_without_one_nothing_changes()
    {
        var label = PayoutScript.NewLabel();
        var id = await RefusedPayoutAsync(label);

        var noReason = await api.OpsClient("fay").PostAsync($"/api/ops/payouts/{id}/retry", null);
        var emptyReason = await api.OpsClient("fay").PostAsJsonAsync($"/api/ops/payouts/{id}/retry", new { reason = "" });

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, emptyReason.StatusCode);
        Assert.True((await noReason.JsonAsync()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("refused", await api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)));
        Assert.Single(api.Gateway.WithdrawalRequestsFor(label));
        Assert.Equal(0, await ActionsOnAsync(id));

        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var retried = await api.OpsClient("fay").PostAsJsonAsync($"/api/ops/payouts/{id}/retry", new { reason = "Balance topped up" });

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var action = await OnlyActionAsync(id);
        Assert.Equal(("payout_retry", "fay", "Balance topped up"),
            (action.GetProperty("action").GetString(), action.GetProperty("actor").GetString(), action.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task The_list_filters_by_subject_actor_action_and_time_newest_first()
    {
        var actor = "lister-" + Guid.NewGuid().ToString("N")[..8];
        var first = await HeldPayoutAsync(PayoutScript.NewLabel());
        var second = await HeldPayoutAsync(PayoutScript.NewLabel());
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.Equal(HttpStatusCode.OK, (await api.OpsClient(actor).PostAsJsonAsync($"/api/ops/payouts/{first}/reject", new { reason = "one" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.OpsClient(actor).PostAsync($"/api/ops/payouts/{second}/approve", null)).StatusCode);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        using var ops = api.OpsClient("auditor");

        var byActor = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/actions?actor={actor}");
        var byAction = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/actions?actor={actor}&action=payout_reject");
        var bySubject = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/actions?subjectId={second}");
        var inWindow = await ops.GetFromJsonAsync<JsonElement>(
            $"/api/ops/actions?actor={actor}&from={Uri.EscapeDataString(before.ToString("O"))}&to={Uri.EscapeDataString(after.ToString("O"))}");
        var afterWindow = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/actions?actor={actor}&from={Uri.EscapeDataString(after.ToString("O"))}");
        var secondPage = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/actions?actor={actor}&page=2&pageSize=1");
        var unknownAction = await ops.GetAsync("/api/ops/actions?action=approve");
        var userToken = await api.ClientFor(PayoutScript.NewLabel()).GetAsync("/api/ops/actions");

        Assert.Equal(new[] { second, first }, byActor.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("subjectId").GetGuid()).ToArray());
        Assert.Equal(first, Assert.Single(byAction.GetProperty("items").EnumerateArray()).GetProperty("subjectId").GetGuid());
        Assert.Equal("payout_approve", Assert.Single(bySubject.GetProperty("items").EnumerateArray()).GetProperty("action").GetString());
        Assert.Equal(2, inWindow.GetProperty("total").GetInt32());
        Assert.Equal(0, afterWindow.GetProperty("total").GetInt32());
        Assert.Equal(first, Assert.Single(secondPage.GetProperty("items").EnumerateArray()).GetProperty("subjectId").GetGuid());
        Assert.Equal(2, secondPage.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, unknownAction.StatusCode);
        Assert.True((await unknownAction.JsonAsync()).GetProperty("errors").TryGetProperty("action", out _));
        Assert.Equal(HttpStatusCode.Forbidden, userToken.StatusCode);
    }

    [Fact]
    public async Task A_reason_over_the_limit_or_with_a_NUL_is_a_400_even_where_a_reason_is_optional()
    {
        var id = await HeldPayoutAsync(PayoutScript.NewLabel());

        var tooLong = await api.OpsClient("gus").PostAsJsonAsync($"/api/ops/payouts/{id}/approve", new { reason = new string('y', 501) });
        var nul = await api.OpsClient("gus").PostAsJsonAsync($"/api/ops/payouts/{id}/approve", new { reason = "a\0b" });
        var unknownField = await api.OpsClient("gus").PostAsJsonAsync($"/api/ops/payouts/{id}/approve", new { why = "x" });

        Assert.All([tooLong, nul, unknownField], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal("awaiting_approval", await api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)));
        Assert.Equal(0, await ActionsOnAsync(id));
        // 500 characters, a surrogate pair last: kept whole.
        var longest = new string('z', 498) + "😀";
        Assert.Equal(HttpStatusCode.OK, (await api.OpsClient("gus").PostAsJsonAsync($"/api/ops/payouts/{id}/approve", new { reason = longest })).StatusCode);
        Assert.Equal(longest, (await OnlyActionAsync(id)).GetProperty("reason").GetString());
    }
}

using System.Net;
using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>Four eyes, ops actions, daily limits, and sending again under the same withdrawal_id.</summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutReviewTests(PayoutApiFactory api)
{
    private const int Large = PayoutApiFactory.ApprovalThreshold + 1;

    private async Task<System.Text.Json.JsonElement> CreateLargeAsync(string label, string creator = PayoutScript.BackOffice)
    {
        var response = await api.BackOfficeClient(creator).CreateAsync(PayoutScript.Body(label, amount: Large), "big-" + label);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Above_the_threshold_a_payout_waits_and_its_creator_cannot_approve_it_but_another_ops_user_can()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await CreateLargeAsync(label, creator: "alice");
        var id = payout.GetProperty("id").GetGuid();
        Assert.Equal("awaiting_approval", payout.GetProperty("status").GetString());
        await Task.Delay(400); // several dispatcher rounds: none may send it
        Assert.Empty(api.Gateway.WithdrawalRequestsFor(label));

        // alice holds the ops role too: still her own payout.
        var own = await api.ClientWithRoles("alice", "ops").PostAsync($"/api/ops/payouts/{id}/approve", null);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.EndsWith("/four-eyes", (await own.JsonAsync()).GetProperty("type").GetString());
        Assert.Empty(api.Gateway.WithdrawalRequestsFor(label));

        var approved = await api.OpsClient("bob").PostAsync($"/api/ops/payouts/{id}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("sent", (await approved.JsonAsync()).GetProperty("status").GetString());
        Assert.Single(api.Gateway.WithdrawalRequestsFor(label));

        var twice = await api.OpsClient("carol").PostAsync($"/api/ops/payouts/{id}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Single(api.Gateway.WithdrawalRequestsFor(label));

        var detail = await (await api.OpsClient("carol").GetAsync($"/api/ops/payouts/{id}")).JsonAsync();
        var action = Assert.Single(detail.GetProperty("actions").EnumerateArray());
        Assert.Equal("payout_approve", action.GetProperty("action").GetString());
        Assert.Equal("bob", action.GetProperty("actor").GetString());
        Assert.Equal("sent", Assert.Single(detail.GetProperty("attempts").EnumerateArray()).GetProperty("outcome").GetString());
        Assert.Equal("alice", detail.GetProperty("payout").GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task A_rejected_payout_is_never_sent_and_says_who_rejected_it_and_why()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var id = (await CreateLargeAsync(label)).GetProperty("id").GetGuid();

        var noReason = await api.OpsClient("dana").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = " " });
        var rejected = await api.OpsClient("dana").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = "Account name does not match KYC" });
        var approveAfter = await api.OpsClient("erin").PostAsync($"/api/ops/payouts/{id}/approve", null);
        var retryAfter = await api.OpsClient("erin").PostAsJsonAsync($"/api/ops/payouts/{id}/retry", new { reason = "try again" });

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("rejected", (await rejected.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, approveAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, retryAfter.StatusCode);
        await Task.Delay(300);
        Assert.Empty(api.Gateway.WithdrawalRequestsFor(label));
        var detail = await (await api.OpsClient("erin").GetAsync($"/api/ops/payouts/{id}")).JsonAsync();
        var action = Assert.Single(detail.GetProperty("actions").EnumerateArray());
        Assert.Equal(("payout_reject", "dana", "Account name does not match KYC"),
            (action.GetProperty("action").GetString(), action.GetProperty("actor").GetString(), action.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.OpsClient("erin").PostAsync($"/api/ops/payouts/{Guid.NewGuid()}/approve", null)).StatusCode);
    }

    [Fact]
    public async Task A_payout_without_an_answer_is_queued_and_sent_later_under_the_same_withdrawal_id()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, "", status: 503);

        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "q-" + label)).JsonAsync();
        Assert.Equal("queued", payout.GetProperty("status").GetString());

        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var id = payout.GetProperty("id").GetGuid();
        var status = await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)), s => s == "sent");

        Assert.Equal("sent", status);
        var ids = api.Gateway.WithdrawalRequestsFor(label).Select(r => r.GetProperty("withdrawal_id").GetString()).Distinct();
        Assert.Equal([payout.GetProperty("withdrawalId").GetString()], ids);
    }

    [Fact]
    public async Task After_an_attempt_of_unknown_outcome_already_taken_means_sent_and_without_one_it_means_refused()
    {
        var uncertain = PayoutScript.NewLabel();
        var certain = PayoutScript.NewLabel();
        const string taken = """{"status":"fail","message":{"withdrawal_id":["The withdrawal id has already been taken."]}}""";
        // A 500: the gateway may have acted on it. Then "already taken" tells us it did.
        api.Gateway.AnswersWithdrawal(uncertain, "oops", status: 500);
        api.Gateway.AnswersWithdrawal(certain, taken);

        var first = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(uncertain), "u-" + uncertain)).JsonAsync();
        Assert.Equal("queued", first.GetProperty("status").GetString());
        api.Gateway.AnswersWithdrawal(uncertain, taken);
        var id = first.GetProperty("id").GetGuid();
        var status = await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)), s => s != "queued" && s != "sending");
        var neverSeen = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(certain), "c-" + certain)).JsonAsync();

        Assert.Equal("sent", status);
        Assert.Equal("refused", neverSeen.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failed_payout_is_sent_again_by_an_ops_retry_under_the_same_withdrawal_id()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, "", status: 503);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "f-" + label)).JsonAsync();
        var id = payout.GetProperty("id").GetGuid();
        var status = await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)), s => s == "failed");
        Assert.Equal("failed", status);
        Assert.Equal(3, await api.ScalarAsync<int>("SELECT count(*) FROM payout_attempts WHERE payout_id = @id", ("id", id)));

        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var retried = await api.OpsClient("frank").PostAsJsonAsync($"/api/ops/payouts/{id}/retry", new { reason = "Gateway back up" });

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        // Sent by the request, or (when a dispatcher round claimed it first) still sending as it answers.
        Assert.Contains((await retried.JsonAsync()).GetProperty("status").GetString(), new[] { "sent", "sending" });
        Assert.Equal("sent", await Eventually.WaitForAsync(
            () => api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)), s => s == "sent"));
        Assert.Single(api.Gateway.WithdrawalRequestsFor(label).Select(r => r.GetProperty("withdrawal_id").GetString()).Distinct());
        Assert.Equal("payout_retry", await api.ScalarAsync<string>("SELECT action FROM ops_actions WHERE subject_id = @id", ("id", id)));
        var failed = await (await api.OpsClient("frank").GetAsync("/api/ops/payouts?status=sent&label=" + label)).JsonAsync();
        Assert.Equal(1, failed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Concurrent_payouts_for_one_label_never_pass_the_daily_limit_together()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var client = api.BackOfficeClient();

        // 100 000 a day: of twelve concurrent payouts of 30 000, three fit. Each to an account of its own,
        // so that neither the account's limit nor its approval threshold has a say.
        var responses = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(i => client.CreateAsync(PayoutScript.Body(label, amount: 30_000, accountNumber: PayoutScript.NewAccount()), $"limit-{i}-{label}")));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Accepted).ToList();
        Assert.Equal(9, refused.Count);
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        Assert.EndsWith("/daily-limit-reached", (await refused[0].JsonAsync()).GetProperty("type").GetString());
        Assert.Equal(90_000, await api.ScalarAsync<long>("SELECT coalesce(sum(amount), 0) FROM payouts WHERE label = @l", ("l", label)));
        Assert.Equal(90_000, await api.ScalarAsync<long>("SELECT total FROM payout_daily_totals WHERE scope = 'label' AND key = @l", ("l", label)));
        Assert.Equal(3, api.Gateway.WithdrawalRequestsFor(label).Count);
    }

    [Fact]
    public async Task A_rejected_payout_frees_its_amount_in_the_daily_limit()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var id = (await CreateLargeAsync(label)).GetProperty("id").GetGuid();
        var client = api.BackOfficeClient();
        var full = await client.CreateAsync(PayoutScript.Body(label, amount: 100_000 - Large + 1), "over-" + label);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, full.StatusCode);

        await api.OpsClient("gina").PostAsJsonAsync($"/api/ops/payouts/{id}/reject", new { reason = "duplicate request" });
        var fits = await client.CreateAsync(PayoutScript.Body(label, amount: 100_000 - Large + 1), "over-again-" + label);

        Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);
    }
}

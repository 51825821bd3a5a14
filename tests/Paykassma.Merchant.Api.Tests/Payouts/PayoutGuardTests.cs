using System.Net;
using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>
/// Guards that hold per destination: the approval threshold and the daily limit count what one account
/// number receives in a UTC day, whatever labels the payouts carry and however its digits are spaced.
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutGuardTests(PayoutApiFactory api)
{
    private const int Threshold = PayoutApiFactory.ApprovalThreshold;

    private Task<long> TotalAsync(string scope, string key) =>
        api.ScalarAsync<long>("SELECT coalesce(sum(total), 0) FROM payout_daily_totals WHERE scope = @s AND key = @k", ("s", scope), ("k", key));

    [Fact]
    public async Task Five_payouts_at_the_threshold_to_one_account_under_other_labels_need_a_second_person_after_the_first()
    {
        // The review's case: 250 000 reached one account in a day with no approval, five labels of one person.
        var carol = PayoutScript.NewLabel();
        string[] labels = [carol, carol.ToUpperInvariant(), carol + "2", "x-" + carol, carol + "-b"];
        var account = PayoutScript.NewAccount();
        // As a person copies the number: the gateway reads the same digits.
        string[] spellings = [account, $"{account[..4]} {account[4..7]}-{account[7..]}", account, $"{account[..3]}-{account[3..]}", $" {account} "];
        foreach (var label in labels)
        {
            api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        }
        var client = api.BackOfficeClient();

        var statuses = new List<string?>();
        for (var i = 0; i < labels.Length; i++)
        {
            var response = await client.CreateAsync(PayoutScript.Body(labels[i], amount: Threshold, accountNumber: spellings[i]), $"split-{i}-{carol}");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var payout = await response.JsonAsync();
            statuses.Add(payout.GetProperty("status").GetString());
            Assert.Equal(account, payout.GetProperty("accountNumber").GetString());
        }

        Assert.Equal(["sent", "awaiting_approval", "awaiting_approval", "awaiting_approval", "awaiting_approval"], statuses);
        var sent = Assert.Single(labels.SelectMany(l => api.Gateway.WithdrawalRequestsFor(l)));
        Assert.Equal(account, sent.GetProperty("account_number").GetString());
        Assert.Equal(5L * Threshold, await TotalAsync("account", account));
    }

    [Fact]
    public async Task Concurrent_payouts_each_under_the_threshold_never_send_more_than_it_to_one_account_without_approval()
    {
        var account = PayoutScript.NewAccount();
        var labels = Enumerable.Range(0, 10).Select(_ => PayoutScript.NewLabel()).ToList();
        foreach (var label in labels)
        {
            api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok, delay: TimeSpan.FromMilliseconds(100));
        }
        var client = api.BackOfficeClient();

        // Ten of 12 000 at once: 120 000 to one account, each one far under the threshold of 50 000.
        var responses = await Task.WhenAll(labels.Select((label, i) =>
            client.CreateAsync(PayoutScript.Body(label, amount: 12_000, accountNumber: account), $"burst-{i}-{label}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var statuses = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("status").GetString()));
        var notHeld = statuses.Count(s => s != "awaiting_approval");
        // The account's total is counted in order under its row's lock: 12, 24, 36, 48 thousand go; 60 waits.
        Assert.Equal(4, notHeld);
        Assert.True(notHeld * 12_000 <= Threshold);
        Assert.Equal(notHeld, labels.Sum(l => api.Gateway.WithdrawalRequestsFor(l).Count));
        Assert.Equal(120_000, await TotalAsync("account", account));
    }

    [Fact]
    public async Task Concurrent_payouts_to_one_account_under_different_labels_never_pass_its_daily_limit_together()
    {
        var account = PayoutScript.NewAccount();
        var labels = Enumerable.Range(0, 12).Select(_ => PayoutScript.NewLabel()).ToList();
        foreach (var label in labels)
        {
            api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        }
        var client = api.BackOfficeClient();

        // 250 000 a day per account: of twelve concurrent payouts of 70 000 under twelve labels, three fit.
        var responses = await Task.WhenAll(labels.Select((label, i) =>
            client.CreateAsync(PayoutScript.Body(label, amount: 70_000, accountNumber: account), $"acct-{i}-{label}")));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Accepted).ToList();
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        foreach (var response in refused)
        {
            var problem = await response.JsonAsync();
            Assert.EndsWith("/account-daily-limit-reached", problem.GetProperty("type").GetString());
            Assert.Contains("250000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(210_000, await api.ScalarAsync<long>("SELECT coalesce(sum(amount), 0) FROM payouts WHERE account_number = @a", ("a", account)));
        Assert.Equal(210_000, await TotalAsync("account", account));
        // A refused payout left no count behind in its label's total either.
        Assert.Equal(210_000, await api.ScalarAsync<long>(
            "SELECT coalesce(sum(total), 0) FROM payout_daily_totals WHERE scope = 'label' AND key = ANY(@l)", ("l", labels.ToArray())));
    }

    [Fact]
    public async Task A_payout_refused_by_one_limit_counts_in_neither_total()
    {
        var label = PayoutScript.NewLabel();
        var fullAccount = PayoutScript.NewAccount();
        var otherAccount = PayoutScript.NewAccount();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var client = api.BackOfficeClient();
        // Fill the account to its limit under other labels (they wait for approval: that still counts).
        foreach (var (amount, i) in new[] { 100_000, 100_000, 50_000 }.Select((a, i) => (a, i)))
        {
            var filler = PayoutScript.NewLabel();
            api.Gateway.AnswersWithdrawal(filler, PayoutScript.Ok);
            Assert.Equal(HttpStatusCode.Accepted,
                (await client.CreateAsync(PayoutScript.Body(filler, amount: amount, accountNumber: fullAccount), $"fill-{i}-{label}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Accepted,
            (await client.CreateAsync(PayoutScript.Body(label, amount: 10_000, accountNumber: otherAccount), "first-" + label)).StatusCode);

        var byAccount = await client.CreateAsync(PayoutScript.Body(label, amount: 1_000, accountNumber: fullAccount), "to-full-" + label);
        var byLabel = await client.CreateAsync(PayoutScript.Body(label, amount: 95_000, accountNumber: PayoutScript.NewAccount()), "too-much-" + label);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, byAccount.StatusCode);
        Assert.EndsWith("/account-daily-limit-reached", (await byAccount.JsonAsync()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, byLabel.StatusCode);
        var labelProblem = await byLabel.JsonAsync();
        Assert.EndsWith("/daily-limit-reached", labelProblem.GetProperty("type").GetString());
        Assert.Equal("This payout would pass the label's daily limit", labelProblem.GetProperty("title").GetString());
        Assert.Equal(10_000, await TotalAsync("label", label));
        Assert.Equal(PayoutApiFactory.DailyLimitPerAccount, await TotalAsync("account", fullAccount));
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT count(*) FROM payouts WHERE label = @l", ("l", label)));
    }

    [Fact]
    public async Task A_rejection_frees_the_amount_in_both_the_label_and_the_account_total()
    {
        var label = PayoutScript.NewLabel();
        var account = PayoutScript.NewAccount();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var client = api.BackOfficeClient();
        var held = await (await client.CreateAsync(PayoutScript.Body(label, amount: 70_000, accountNumber: account), "held-" + label)).JsonAsync();
        Assert.Equal("awaiting_approval", held.GetProperty("status").GetString());
        Assert.Equal((70_000L, 70_000L), (await TotalAsync("label", label), await TotalAsync("account", account)));

        var rejected = await api.OpsClient("rita").PostAsJsonAsync($"/api/ops/payouts/{held.GetProperty("id").GetGuid()}/reject",
            new { reason = "Not this account" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal((0L, 0L), (await TotalAsync("label", label), await TotalAsync("account", account)));
        // Freed for the threshold too: the next payout to the account goes at once.
        var next = await (await client.CreateAsync(PayoutScript.Body(label, amount: 20_000, accountNumber: account), "next-" + label)).JsonAsync();
        Assert.Equal("sent", next.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Spaces_and_dashes_in_the_account_number_are_dropped_for_what_is_stored_sent_and_compared_for_the_key()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var client = api.BackOfficeClient();

        var spaced = await client.CreateAsync(PayoutScript.Body(label, accountNumber: "9440 377-924"), "spaced-" + label);
        var plain = await client.CreateAsync(PayoutScript.Body(label, accountNumber: "9440377924"), "spaced-" + label);

        Assert.Equal(HttpStatusCode.Accepted, spaced.StatusCode);
        var payout = await spaced.JsonAsync();
        Assert.Equal("9440377924", payout.GetProperty("accountNumber").GetString());
        Assert.Equal("9440377924", Assert.Single(api.Gateway.WithdrawalRequestsFor(label)).GetProperty("account_number").GetString());
        // The same payout, written another way: the same request for its Idempotency-Key.
        Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);
        Assert.Equal(payout.GetProperty("id").GetGuid(), (await plain.JsonAsync()).GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData(" - ")]
    [InlineData("")]
    [InlineData("9440.377.924")]
    [InlineData("９４４０")]
    [InlineData("+9440377924")]
    [InlineData("1234 5678 9012 3456 7890 1234 5678 9012 345")]
    public async Task An_account_number_that_is_not_1_to_34_digits_once_spaces_and_dashes_are_dropped_is_a_400(string accountNumber)
    {
        var label = PayoutScript.NewLabel();

        var response = await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label, accountNumber: accountNumber), "bad-" + label);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("accountNumber", out _));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM payouts WHERE label = @l", ("l", label)));
    }
}

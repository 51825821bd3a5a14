using System.Net;
using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>
/// How many statements a payout's creation and the ops actions on it send to PostgreSQL (RoundTrips,
/// tests/Shared): the numbers in bench/README.md, "Round trips per request". Each statement a request
/// answers with returns the payout's row (ADR 0025): none reads it back, and a read that returns fails
/// here by its count and by its text.
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutRoundTripTests(PayoutApiFactory api, ITestOutputHelper output)
{
    private const int Large = PayoutApiFactory.ApprovalThreshold + 1;

    /// <summary>EF Core's read of a payout by id, the re-read no answer needs any more.</summary>
    private const string ReadBack = "FROM payouts AS p";

    private async Task<(HttpResponseMessage Response, IReadOnlyList<string> Statements)> MeasureAsync(HttpClient client, HttpRequestMessage request)
    {
        using var roundTrips = new RoundTrips();
        var (response, statements) = await roundTrips.SendAsync(client, request);
        output.WriteLine($"{statements.Count} statements:\n{string.Join("\n---\n", statements)}");
        return (response, statements);
    }

    private static HttpRequestMessage Create(string label, string key, int amount = 1020)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts") { Content = JsonContent.Create(PayoutScript.Body(label, amount)) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private async Task<Guid> CreateLargeAsync(string label)
    {
        var created = await api.BackOfficeClient("alice").CreateAsync(PayoutScript.Body(label, amount: Large), "big-" + label);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_payout_sent_at_once_makes_two_round_trips()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);

        var (response, statements) = await MeasureAsync(api.BackOfficeClient(), Create(label, "rt-" + label));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("sent", (await response.JsonAsync()).GetProperty("status").GetString());
        // The insert that decides the key and claims the first attempt, then the attempt's outcome, which
        // returns the row the answer shows. Before: 4 (the key read first, and the answer's read last).
        Assert.Equal(2, statements.Count);
        Assert.Contains("INSERT INTO payouts", statements[0], StringComparison.Ordinal);
        Assert.Contains("INSERT INTO payout_attempts", statements[1], StringComparison.Ordinal);
        Assert.DoesNotContain(statements, s => s.Contains(ReadBack, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payout_held_for_approval_makes_one_round_trip()
    {
        var label = PayoutScript.NewLabel();

        var (response, statements) = await MeasureAsync(api.BackOfficeClient(), Create(label, "rt-held-" + label, Large));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("awaiting_approval", (await response.JsonAsync()).GetProperty("status").GetString());
        Assert.Single(statements); // Before: 3 (the key, the insert, the answer's read).
    }

    [Fact]
    public async Task A_replayed_payout_makes_one_round_trip()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var first = await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "rt-again-" + label);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        // Counted here: under load the gateway client may have sent the first request's call twice (its own timeout and retry).
        var sent = api.Gateway.WithdrawalRequestsFor(label).Count;

        var (response, statements) = await MeasureAsync(api.BackOfficeClient(), Create(label, "rt-again-" + label));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((await first.JsonAsync()).GetProperty("id").GetGuid(), (await response.JsonAsync()).GetProperty("id").GetGuid());
        // The insert's key guard returns the earlier payout (before: 1 as well, the key read).
        Assert.Single(statements);
        Assert.Equal(sent, api.Gateway.WithdrawalRequestsFor(label).Count);
    }

    [Fact]
    public async Task An_approval_decides_audits_and_claims_in_its_first_statement_and_records_the_attempt_in_its_second()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var id = await CreateLargeAsync(label);

        var (response, statements) = await MeasureAsync(api.OpsClient("bob"), new HttpRequestMessage(HttpMethod.Post, $"/api/ops/payouts/{id}/approve"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sent", (await response.JsonAsync()).GetProperty("status").GetString());
        // Before: 4 (approval, the request's claim, the outcome, the answer's read), 5 when the claim read
        // the claimed row with EF Core; 3 when a dispatcher claimed it between the approval and the claim.
        // The approval now claims the attempt itself, so no dispatcher can take it in between.
        Assert.Equal(2, statements.Count);
        Assert.Contains("INSERT INTO ops_actions", statements[0], StringComparison.Ordinal);
        Assert.Contains("attempts = x.attempts + 1", statements[0], StringComparison.Ordinal);
        Assert.Contains("INSERT INTO payout_attempts", statements[1], StringComparison.Ordinal);
        Assert.DoesNotContain(statements, s => s.Contains(ReadBack, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_approval_refused_by_four_eyes_makes_one_round_trip()
    {
        var id = await CreateLargeAsync(PayoutScript.NewLabel());

        var (response, statements) = await MeasureAsync(api.ClientWithRoles("alice", "ops"), new HttpRequestMessage(HttpMethod.Post, $"/api/ops/payouts/{id}/approve"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Single(statements); // Before: 2 (the approval, then the payout read to say why not).
    }

    [Fact]
    public async Task An_approval_of_no_payout_makes_one_round_trip()
    {
        var (response, statements) = await MeasureAsync(api.OpsClient("bob"), new HttpRequestMessage(HttpMethod.Post, $"/api/ops/payouts/{Guid.NewGuid()}/approve"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Single(statements);
    }

    [Fact]
    public async Task A_rejection_and_a_refused_one_make_one_round_trip_each()
    {
        var id = await CreateLargeAsync(PayoutScript.NewLabel());
        HttpRequestMessage Reject() => new(HttpMethod.Post, $"/api/ops/payouts/{id}/reject") { Content = JsonContent.Create(new { reason = "Not ours" }) };

        var (rejected, statements) = await MeasureAsync(api.OpsClient("bob"), Reject());
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("rejected", (await rejected.JsonAsync()).GetProperty("status").GetString());
        Assert.Single(statements); // Before: 2 (the rejection, then the answer's read).

        var (again, refusal) = await MeasureAsync(api.OpsClient("bob"), Reject());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single(refusal); // Before: 2 (the rejection, then the payout read to say why not).
    }

    [Fact]
    public async Task An_ops_retry_claims_in_its_first_statement_and_records_the_attempt_in_its_second()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, """{"status":"fail","message":"Try later"}""");
        var refused = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "rt-retry-" + label)).JsonAsync();
        Assert.Equal("refused", refused.GetProperty("status").GetString());
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);

        var (response, statements) = await MeasureAsync(api.OpsClient("frank"), new HttpRequestMessage(
            HttpMethod.Post, $"/api/ops/payouts/{refused.GetProperty("id").GetGuid()}/retry") { Content = JsonContent.Create(new { reason = "Topped up" }) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sent", (await response.JsonAsync()).GetProperty("status").GetString());
        // Before: 4 (the retry, the request's claim, the outcome, the answer's read).
        Assert.Equal(2, statements.Count);
        Assert.Contains("INSERT INTO ops_actions", statements[0], StringComparison.Ordinal);
        Assert.Contains("INSERT INTO payout_attempts", statements[1], StringComparison.Ordinal);
    }
}

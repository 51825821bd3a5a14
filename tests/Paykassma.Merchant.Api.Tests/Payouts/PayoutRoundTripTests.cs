using System.Net;
using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>
/// How many statements a payout's creation and its approval send to PostgreSQL (RoundTrips,
/// tests/Shared): the numbers in bench/README.md, "Round trips per request".
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutRoundTripTests(PayoutApiFactory api, ITestOutputHelper output)
{
    private const int Large = PayoutApiFactory.ApprovalThreshold + 1;

    private async Task<(HttpResponseMessage Response, IReadOnlyList<string> Statements)> MeasureAsync(HttpClient client, HttpRequestMessage request)
    {
        using var roundTrips = new RoundTrips();
        var (response, statements) = await roundTrips.SendAsync(client, request);
        output.WriteLine($"{statements.Count} statements:\n{string.Join("\n---\n", statements)}");
        return (response, statements);
    }

    private async Task<Guid> CreateLargeAsync(string label)
    {
        var created = await api.BackOfficeClient("alice").CreateAsync(PayoutScript.Body(label, amount: Large), "big-" + label);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_payout_sent_at_once_makes_four_round_trips()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts") { Content = JsonContent.Create(PayoutScript.Body(label)) };
        request.Headers.Add("Idempotency-Key", "rt-" + label);

        var (response, statements) = await MeasureAsync(api.BackOfficeClient(), request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // The key, the insert that claims the first attempt, the attempt's outcome, the answer's read.
        Assert.Equal(4, statements.Count);
    }

    [Fact]
    public async Task An_approval_decides_and_audits_in_its_first_statement_and_sends_in_at_most_four_more()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var id = await CreateLargeAsync(label);

        var (response, statements) = await MeasureAsync(api.OpsClient("bob"), new HttpRequestMessage(HttpMethod.Post, $"/api/ops/payouts/{id}/approve"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sent", (await response.JsonAsync()).GetProperty("status").GetString());
        Assert.Contains("INSERT INTO ops_actions", statements[0], StringComparison.Ordinal);
        // Then the claim (and its read of the row) unless a dispatcher claimed it first, the attempt's outcome,
        // and the answer's read: 5 when this request sends it, 3 when a dispatcher does.
        Assert.InRange(statements.Count, 3, 5);
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
}

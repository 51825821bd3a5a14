using System.Net;
using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Tests.Shared;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Deposits;

/// <summary>
/// How many statements a deposit's creation and its idempotent replays send to PostgreSQL (RoundTrips,
/// tests/Shared): the numbers in bench/README.md, "Round trips per request".
/// </summary>
public sealed class DepositRoundTripTests(MerchantApiFactory api, ITestOutputHelper output)
    : IClassFixture<MerchantApiFactory>
{
    private readonly string _label = GatewayScript.NewLabel();

    private async Task<(HttpResponseMessage Response, IReadOnlyList<string> Statements)> CreateAsync(string? key)
    {
        using var roundTrips = new RoundTrips();
        using var client = api.ClientFor(_label);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/deposits") { Content = JsonContent.Create(new { amount = 300 }) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        var (response, statements) = await roundTrips.SendAsync(client, request);
        output.WriteLine($"{statements.Count} statements:\n{string.Join("\n---\n", statements)}");
        return (response, statements);
    }

    /// <summary>The key's claim row, as a request's own statement committed it: from then on the key runs.</summary>
    [Fact]
    public async Task A_deposit_makes_one_round_trip_and_two_with_a_key()
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());

        var (plain, plainStatements) = await CreateAsync(null);
        var (keyed, keyedStatements) = await CreateAsync("k-" + _label);

        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Created, keyed.StatusCode);
        Assert.Single(plainStatements);
        Assert.Equal(2, keyedStatements.Count); // The key's claim, then the deposit completing it.
    }

    [Fact]
    public async Task A_replayed_deposit_makes_two_round_trips()
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        Assert.Equal(HttpStatusCode.Created, (await CreateAsync("k-" + _label)).Response.StatusCode);

        var (response, statements) = await CreateAsync("k-" + _label);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
        // The claim that reads the key it could not take, then the deposit. Before: 3 (claim, key, deposit).
        Assert.Equal(2, statements.Count);
    }

    [Fact]
    public async Task A_replay_racing_the_first_request_wakes_when_it_ends_instead_of_polling()
    {
        // The gateway is slow: the replay arrives while the first request waits for it (well within the
        // factory's 30 s per attempt: with 2 s a loaded machine turned this held call into a timeout, 504,
        // and the replay into the one that created the deposit).
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody(), delay: TimeSpan.FromSeconds(3));
        var first = CreateAsync("k-" + _label);
        // Sent once the first request's claim has committed, not after a fixed pause: on a loaded machine the
        // first request could reach its claim late, and a replay claiming first is the first request itself
        // (no Idempotent-Replayed), one claiming while the first's claim is uncommitted looks once more (4).
        Assert.True(await Eventually.WaitForAsync(() => api.DepositKeyClaimedAsync(_label, "k-" + _label), claimed => claimed || first.IsCompleted, pause: TimeSpan.FromMilliseconds(10)));

        var (response, statements) = await CreateAsync("k-" + _label);

        Assert.Equal(HttpStatusCode.Created, (await first).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
        // The claim that finds the key running, the claim after the first request ended, the deposit.
        // Polling every 100 ms made 25 here when the gateway took 1.5 s: two statements a look for 1.2 s.
        Assert.Equal(3, statements.Count);
    }
}

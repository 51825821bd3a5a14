using System.Net;
using Xunit.Abstractions;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// What anyone who has seen one genuine postback can make us write by sending it again: a replay
/// costs a counter. The service here has a database of its own, so what grows is what the replays
/// wrote (in the shared payout collection, other tests' dispatchers wrote beside them: CI saw 370 KB).
/// </summary>
public sealed class ReplayCostTests(PayoutApiFactory api, ITestOutputHelper output) : IClassFixture<PayoutApiFactory>
{
    [Fact]
    public async Task Fifteen_hundred_replays_of_one_genuine_postback_grow_the_database_by_less_than_300_KB()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "replay-" + label)).JsonAsync();
        var body = TestPostbacks.Body(
            [TestPostbacks.PayoutItem(TestPostbacks.NewTransactionId(), payout.GetProperty("withdrawalId").GetString()!, 1, "1020.00")],
            direction: "outgoing");
        using var gateway = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);
        const string Size = "SELECT pg_database_size(current_database())";
        const string Relations = """
            SELECT string_agg(c.relname || '=' || pg_relation_size(c.oid), ' ' ORDER BY c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' OR c.relname LIKE 'pg_toast_%'
            """;
        var before = await api.ScalarAsync<long>(Size);
        var relationsBefore = Sizes(await api.ScalarAsync<string>(Relations));

        for (var i = 0; i < 1500; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);
        }

        var grown = await api.ScalarAsync<long>(Size) - before;
        var relationsAfter = Sizes(await api.ScalarAsync<string>(Relations));
        var grewMost = relationsAfter.Select(r => (r.Key, Grown: r.Value - relationsBefore.GetValueOrDefault(r.Key)))
            .Where(r => r.Grown > 0).OrderByDescending(r => r.Grown).Take(8).Select(r => $"{r.Key} +{r.Grown}");
        output.WriteLine($"1500 replays grew the database by {grown} bytes: {string.Join(", ", grewMost)}");
        Assert.True(grown < 300 * 1024, $"The database grew by {grown} bytes: {string.Join(", ", grewMost)}.");
        Assert.Equal(1500, await api.ScalarAsync<int>(
            "SELECT r.repeats FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id WHERE p.body_sha256 = @h",
            ("h", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)))));
    }

    private static Dictionary<string, long> Sizes(string? relations) =>
        (relations ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => r.Split('='))
            .ToDictionary(r => r[0], r => long.Parse(r[1]));
}

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
        // What the service's tables hold (each with its indexes, TOAST and maps), and every relation's
        // size to name what grew. The database's files also hold PostgreSQL's own (the statistics an
        // autovacuum writes, the relation cache file a new connection rewrites), which move with the
        // machine's load and not with the replays: a run beside the whole suite saw 385 KB there.
        const string Tables = """
            SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
            """;
        const string Relations = """
            SELECT string_agg(n.nspname || '.' || c.relname || '=' || pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm')
                              + pg_relation_size(c.oid, 'vm'), ' ' ORDER BY c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            """;
        const string Database = "SELECT pg_database_size(current_database())";
        var (tablesBefore, databaseBefore) = (await api.ScalarAsync<long>(Tables), await api.ScalarAsync<long>(Database));
        var relationsBefore = Sizes(await api.ScalarAsync<string>(Relations));

        for (var i = 0; i < 1500; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);
        }

        var grown = await api.ScalarAsync<long>(Tables) - tablesBefore;
        var databaseGrown = await api.ScalarAsync<long>(Database) - databaseBefore;
        var relationsAfter = Sizes(await api.ScalarAsync<string>(Relations));
        var grewMost = string.Join(", ", relationsAfter.Select(r => (r.Key, Grown: r.Value - relationsBefore.GetValueOrDefault(r.Key)))
            .Where(r => r.Grown > 0).OrderByDescending(r => r.Grown).Take(8).Select(r => $"{r.Key} +{r.Grown}"));
        output.WriteLine($"1500 replays grew the service's tables by {grown} bytes, the database's files by {databaseGrown}: {grewMost}");
        Assert.True(grown < 300 * 1024, $"The service's tables grew by {grown} bytes (the database's files by {databaseGrown}): {grewMost}.");
        Assert.Equal(1500, await api.ScalarAsync<int>(
            "SELECT r.repeats FROM postback_repeats r JOIN postbacks p ON p.id = r.postback_id WHERE p.body_sha256 = @h",
            ("h", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)))));
    }

    private static Dictionary<string, long> Sizes(string? relations) =>
        (relations ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => r.Split('='))
            .ToDictionary(r => r[0], r => long.Parse(r[1]));
}

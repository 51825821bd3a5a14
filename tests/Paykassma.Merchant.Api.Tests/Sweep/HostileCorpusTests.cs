using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>The corpus itself, without a server: what the sweep sends is fixed by its seed.</summary>
public sealed class HostileCorpusTests(ITestOutputHelper output)
{
    /// <summary>The seed decides the corpus: the same seed gives the same bytes, another seed other bytes.</summary>
    [Fact]
    public void The_corpus_is_deterministic_and_covers_every_route_and_category()
    {
        var targets = new SweepTargets("sweep-owner", Guid.Parse("0195f3a0-0000-7000-8000-000000000001"), Guid.Parse("0195f3a0-0000-7000-8000-000000000002"),
            Guid.Parse("0195f3a0-0000-7000-8000-000000000003"), Guid.Parse("0195f3a0-0000-7000-8000-000000000004"),
            new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero),
            Guid.Parse("0195f3a0-0000-7000-8000-000000000005"), Guid.Parse("0195f3a0-0000-7000-8000-000000000006"), 41);

        var first = HostileCorpus.Build(targets);
        var second = HostileCorpus.Build(targets);
        var reseeded = HostileCorpus.Build(targets, seed: 1);

        Assert.True(first.Count >= 500, $"only {first.Count} requests");
        Assert.Equal(first.Select(Fingerprint), second.Select(Fingerprint));
        Assert.NotEqual(first.Select(Fingerprint), reseeded.Select(Fingerprint));
        var duplicates = first.GroupBy(r => (r.Route, r.Category, r.Name)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "case names repeat: " + string.Join("; ", duplicates));
        var routes = typeof(SweepRoutes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Empty(routes.Except(first.Select(r => r.Route)));
        var categories = typeof(SweepCategories).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Empty(categories.Except(first.Select(r => r.Category)));
        output.WriteLine($"{first.Count} requests, {first.Sum(r => (long)r.Bytes.Length) / 1024.0 / 1024:0.0} MB on the wire");
    }

    private static string Fingerprint(HostileRequest request) =>
        $"{request.Route}|{request.Category}|{request.Name}|{Convert.ToHexString(SHA256.HashData(request.Bytes))}";
}

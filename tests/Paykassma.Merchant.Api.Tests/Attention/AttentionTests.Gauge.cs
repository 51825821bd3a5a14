using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Tests.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Attention;

/// <summary>
/// The gauge paykassma_attention_items{kind} counts what the list shows, every kind (0 when none), on the
/// sampler's timer; and the statements behind both are served by indexes, never by a scan of a table.
/// A database of its own: the counts are the whole database's. In the metrics collection: the exporter
/// reads meters across the process.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed partial class AttentionGaugeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MerchantApiFactory _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_api).DisposeAsync();

    [Fact]
    public async Task The_gauge_counts_each_kind_of_unseen_entries_and_reports_every_kind()
    {
        var refusal = """{"status":"fail","message":"Insufficient balance"}""";
        await _api.PayoutAsync(GatewayScript.NewLabel("gauge"), refusal);
        await _api.PayoutAsync(GatewayScript.NewLabel("gauge"), refusal);
        var seen = await _api.PayoutAsync(GatewayScript.NewLabel("gauge"), refusal);
        await _api.UnmatchedItemAsync();
        await _api.MarkSeenAsync("payout_refused", seen, new { note = "settled with the back office" });

        await _api.Services.GetRequiredService<QueueSnapshot>().RefreshAsync(CancellationToken.None);

        var counts = _api.Services.GetRequiredService<AttentionGauges>().ByKind;
        output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")));
        Assert.Equal(AttentionKinds.All.Select(k => k.Name).Order(), counts.Keys.Order());
        Assert.Equal(2, counts["payout_refused"]);
        Assert.Equal(1, counts["item_unapplied"]);
        Assert.All(counts.Where(c => c.Key is not ("payout_refused" or "item_unapplied")), c => Assert.Equal(0, c.Value));
        // Exported as the alert rules and the dashboard read it (other hosts of this test process may add series of their own).
        var metrics = await Eventually.WaitForAsync(() => _api.CreateClient().GetStringAsync("/metrics"),
            text => Gauge().Matches(text).Any(m => m.Groups["kind"].Value == "payout_refused" && m.Groups["value"].Value == "2"));
        Assert.Contains(Gauge().Matches(metrics), m => m.Groups["kind"].Value == "payout_refused" && m.Groups["value"].Value == "2");
        Assert.Equal(AttentionKinds.All.Select(k => k.Name).Order(), Gauge().Matches(metrics).Select(m => m.Groups["kind"].Value).Distinct().Order());
    }

    [Fact]
    public async Task The_counts_and_the_pages_are_served_by_indexes_not_by_reading_a_table()
    {
        // On tables this small a scan would win: forbidding it shows whether an index can serve at all
        // (a partial index whose filter the statement does not imply cannot).
        using var client = _api.CreateClient(); // starts the service, which applies the migrations
        var statements = new List<(string Name, string Sql)>
        {
            ("counts", AttentionSql.Counts(false, AttentionKinds.All)),
            ("seen counts", AttentionSql.Counts(true, AttentionKinds.All)),
            ("page", AttentionSql.Page(false, AttentionKinds.All)),
            ("seen page", AttentionSql.Page(true, AttentionKinds.All)),
        };
        statements.AddRange(AttentionKinds.All.Select(k => ($"mark {k.Name}", AttentionSql.Mark(k))));
        await using var connection = new NpgsqlConnection(_api.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        var scans = new List<string>();
        foreach (var (name, sql) in statements)
        {
            await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
            AttentionStore.Bind(explain.Parameters, sql, new AttentionOptions(), DateTimeOffset.UtcNow, ("window", 50L), ("limit", 50L), ("offset", 0L),
                ("subject", Guid.NewGuid()), ("actor", "explain"), ("note", "explain"), ("now", DateTimeOffset.UtcNow));
            var plan = new StringBuilder();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.AppendLine(reader.GetString(0));
                }
            }
            output.WriteLine($"-- {name}\n{plan}");
            scans.AddRange(SeqScan().Matches(plan.ToString()).Select(m => $"{name}: {m.Value}"));
        }

        Assert.True(scans.Count == 0, "Scans of a table: " + string.Join("; ", scans));
        var indexes = await _api.ScalarAsync<string>("SELECT string_agg(indexname, ',') FROM pg_indexes WHERE schemaname = 'public'");
        Assert.All(AttentionKinds.All, k => Assert.Contains(k.Index, indexes!.Split(','), StringComparer.Ordinal));
    }

    [GeneratedRegex("""(?m)^paykassma_attention_items\{[^}]*\bkind="(?<kind>[a-z_]+)"[^}]*\} (?<value>[0-9]+)(\.0)?( |$)""")]
    private static partial Regex Gauge();

    [GeneratedRegex(@"Seq Scan on (deposits|proofs|payouts|postbacks|gateway_transactions|outbox_events|ops_actions)\b[^\n]*")]
    private static partial Regex SeqScan();
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Tests.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Observability;

/// <summary>
/// A sampling round's cost does not grow with a backlog: the queue gauges and the open deposits by
/// status count up to Metrics:CountLimit (set to 3 here) and read the oldest row from one index entry
/// per status, while the age the alerts read stays the true oldest row's. A database of its own per
/// test (the counts are the whole database's) and no dispatchers; in the metrics collection, since the
/// exporter reads meters across the process.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed partial class QueueSnapshotTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Limit = 3;

    private readonly MerchantApiFactory _api = new MerchantApiFactory()
        .With("Metrics:CountLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Proofs:Dispatcher:Enabled", "false")
        .With("Payouts:Dispatcher:Enabled", "false");

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        using var client = _api.CreateClient(); // starts the service, which applies the migrations
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_api).DisposeAsync();

    [Fact]
    public async Task A_backlog_past_the_count_limit_reads_the_limit_and_the_oldest_age_stays_the_true_oldest_rows()
    {
        await AddDepositsAsync(DepositStatus.AwaitingPayment, 5);
        await AddDepositsAsync(DepositStatus.ProofSubmitted, 1);
        await AddDepositsAsync(DepositStatus.Confirmed, 4);
        // The oldest undelivered event is the one being delivered, older than every pending one; an
        // older delivered one is not in the queue.
        await AddEventsAsync(EventStatus.Pending, 5, TimeSpan.FromMinutes(10));
        await AddEventsAsync(EventStatus.Delivering, 1, TimeSpan.FromHours(2));
        await AddEventsAsync(EventStatus.Delivered, 1, TimeSpan.FromHours(5));
        await AddProofsAsync(ProofStatus.Queued, 4, TimeSpan.FromHours(1));
        await AddProofsAsync(ProofStatus.Submitting, 1, TimeSpan.FromMinutes(5));
        await AddProofsAsync(ProofStatus.Forwarded, 1, TimeSpan.FromHours(3));
        // Below the limit: the exact count.
        await AddPayoutsAsync(PayoutStatus.Approved, 1, TimeSpan.FromMinutes(30));
        await AddPayoutsAsync(PayoutStatus.Queued, 1, TimeSpan.FromMinutes(10));
        await AddPayoutsAsync(PayoutStatus.Paid, 1, TimeSpan.FromHours(4));

        await _api.Services.GetRequiredService<QueueSnapshot>().RefreshAsync(CancellationToken.None);

        var events = _api.Services.GetRequiredService<EventGauges>();
        var proofs = _api.Services.GetRequiredService<ProofGauges>();
        var payouts = _api.Services.GetRequiredService<PayoutGauges>();
        var deposits = _api.Services.GetRequiredService<DepositGauges>().ByStatus;
        output.WriteLine($"events {events.Pending} {events.OldestAgeSeconds:F0}s, proofs {proofs.QueueDepth} {proofs.OldestQueuedAgeSeconds:F0}s, "
            + $"payouts {payouts.QueueDepth} {payouts.OldestAgeSeconds:F0}s, deposits {string.Join(", ", deposits.Select(d => $"{d.Key}={d.Value}"))}");
        Assert.Equal((Limit, Limit, 2), (events.Pending, proofs.QueueDepth, payouts.QueueDepth));
        AssertAge(TimeSpan.FromHours(2), events.OldestAgeSeconds);
        AssertAge(TimeSpan.FromHours(1), proofs.OldestQueuedAgeSeconds);
        AssertAge(TimeSpan.FromMinutes(30), payouts.OldestAgeSeconds);
        Assert.Equal(
            new Dictionary<string, long> { ["awaiting_payment"] = Limit, ["proof_submitted"] = 1, ["pending_confirmation"] = 0 },
            deposits);
        // Exported as the dashboard reads it (other hosts of this test process may add series of their own).
        var metrics = await Eventually.WaitForAsync(() => _api.CreateClient().GetStringAsync("/metrics"),
            text => EventsPending().Matches(text).Any(m => m.Groups["value"].Value == "3"));
        Assert.Contains(EventsPending().Matches(metrics), m => m.Groups["value"].Value == "3");
    }

    [Fact]
    public async Task An_empty_queue_reads_zero_and_no_age()
    {
        await _api.Services.GetRequiredService<QueueSnapshot>().RefreshAsync(CancellationToken.None);

        var events = _api.Services.GetRequiredService<EventGauges>();
        var payouts = _api.Services.GetRequiredService<PayoutGauges>();
        Assert.Equal((0, 0.0), (events.Pending, events.OldestAgeSeconds));
        Assert.Equal((0, 0.0), (payouts.QueueDepth, payouts.OldestAgeSeconds));
        var deposits = _api.Services.GetRequiredService<DepositGauges>().ByStatus;
        Assert.Equal(DepositTransitions.Moves.From(DepositMove.Expire).Count, deposits.Count);
        Assert.All(deposits.Values, count => Assert.Equal(0, count));
    }

    [Fact]
    public async Task A_round_reads_at_most_the_limit_of_a_backlogs_index_entries_and_one_entry_per_status_for_the_oldest()
    {
        const int PerStatus = 20;
        foreach (var status in DepositTransitions.Moves.From(DepositMove.Expire))
        {
            await AddDepositsAsync(status, PerStatus);
        }
        foreach (var status in EventTransitions.Moves.From(EventMove.Claim))
        {
            await AddEventsAsync(status, PerStatus, TimeSpan.FromMinutes(10));
        }
        foreach (var status in ProofTransitions.Moves.From(ProofMove.Claim))
        {
            await AddProofsAsync(status, PerStatus, TimeSpan.FromMinutes(10));
        }
        foreach (var status in PayoutTransitions.Moves.From(PayoutMove.Claim))
        {
            await AddPayoutsAsync(status, PerStatus, TimeSpan.FromMinutes(10));
        }
        await using var connection = new NpgsqlConnection(_api.ConnectionString);
        await connection.OpenAsync();
        // On tables this small a scan would win: forbidding it shows what the indexes serve, as at scale.
        await using (var setup = new NpgsqlCommand("ANALYZE; SET enable_seqscan = off; SET enable_bitmapscan = off", connection))
        {
            await setup.ExecuteNonQueryAsync();
        }

        // Every node that reads one of the tables reads at most the limit's entries (those it returns and
        // those its filter drops): the counts stop at it, each min() is one entry. The payouts' exact counts
        // (awaiting approval, stale) find none of their rows here. The attention list's counts are exact by
        // design (ADR 0016) and left out: its proof_queued kind reads every queued proof.
        var tooMany = new List<string>();
        var sources = _api.Services.GetServices<IGaugeSource>().Where(source => source is not AttentionGauges);
        foreach (var (source, command) in RoundStatements(sources, DateTimeOffset.UtcNow))
        {
            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + command.CommandText, connection);
            foreach (NpgsqlParameter parameter in command.Parameters)
            {
                explain.Parameters.Add(parameter.Clone());
            }
            var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
            output.WriteLine($"-- {source}: {command.CommandText}\n{plan.RootElement}");
            tooMany.AddRange(Nodes(plan.RootElement[0].GetProperty("Plan"))
                .Where(node => node.TryGetProperty("Relation Name", out _))
                .Select(node => (node, read: EntriesRead(node)))
                .Where(read => read.read > Limit)
                .Select(read => $"{source}: {read.node.GetProperty("Node Type").GetString()} on {read.node.GetProperty("Relation Name").GetString()} read {read.read} rows"));
        }
        // Guards the test itself: had it found no statement, the check below would pass on anything.
        Assert.Equal(
            [nameof(DepositGauges), nameof(EventGauges), nameof(PayoutGauges), nameof(ProofGauges)],
            RoundStatements(sources, DateTimeOffset.UtcNow).Select(statement => statement.Source).Distinct().Order(StringComparer.Ordinal));
        Assert.True(tooMany.Count == 0, string.Join('\n', tooMany));
    }

    /// <summary>The statements one sampling round runs, each with the source that adds it, as <see cref="QueueSnapshot"/> batches them.</summary>
    internal static IEnumerable<(string Source, NpgsqlBatchCommand Command)> RoundStatements(IEnumerable<IGaugeSource> sources, DateTimeOffset now)
    {
        foreach (var source in sources)
        {
            using var batch = new NpgsqlBatch();
            source.AddTo(batch, now);
            foreach (NpgsqlBatchCommand command in batch.BatchCommands)
            {
                yield return (source.GetType().Name, command);
            }
        }
    }

    /// <summary>The gauge sources the service registers, at the default settings, without a host or a database.</summary>
    internal static IReadOnlyList<IGaugeSource> DefaultSources()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddLogging();
        services.AddMerchantMetrics();
        return [.. services.BuildServiceProvider().GetServices<IGaugeSource>()];
    }

    private static void AssertAge(TimeSpan expected, double seconds) =>
        // The rows' ages are set by the database's clock at insert, read by the service's at the round.
        Assert.InRange(seconds, expected.TotalSeconds - 5, expected.TotalSeconds + 300);

    private static double EntriesRead(JsonElement node) =>
        (node.GetProperty("Actual Rows").GetDouble() + (node.TryGetProperty("Rows Removed by Filter", out var removed) ? removed.GetDouble() : 0))
            * node.GetProperty("Actual Loops").GetDouble();

    private static IEnumerable<JsonElement> Nodes(JsonElement node) =>
        node.TryGetProperty("Plans", out var children)
            ? children.EnumerateArray().SelectMany(Nodes).Prepend(node)
            : [node];

    [GeneratedRegex("""(?m)^paykassma_events_pending(\{[^}]*\})? (?<value>[0-9]+)(\.0)?( |$)""")]
    private static partial Regex EventsPending();
}

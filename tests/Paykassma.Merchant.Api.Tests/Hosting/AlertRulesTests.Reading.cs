using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.PluginApi.Postbacks;
using Paykassma.Tests.Shared;
using SharpYaml.Serialization;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>AlertRulesTests' readers: the service's /metrics, the rules, the dashboard and the runbook.</summary>
public sealed partial class AlertRulesTests
{
    /// <summary>
    /// GET /metrics of the running service, once every instrument has a series. The OpenTelemetry
    /// exporter lists an instrument only after its first measurement, so each must be recorded:
    /// the HTTP server histogram (with the postback route) and the gateway client's come from real
    /// requests here (postbacks, a deposit, a proof the gateway answers 503). Ours are recorded through
    /// MerchantMetrics itself, once for every value of each tag's fixed set (the enums and reason
    /// lists the service takes them from): that shows the names and labels the exporter really gives
    /// them and every value a rule can match, without staging a held postback, a payout conflict or a
    /// ledger that gives up. That the flows count them is for the features' own tests (e.g.
    /// EventRetryTests, PayoutCreationTests read these counters).
    /// </summary>
    private async Task<Exposition> ScrapeAsync()
    {
        await ScrapeLock.WaitAsync();
        try
        {
            return _scraped ??= await DriveAndScrapeAsync();
        }
        finally
        {
            ScrapeLock.Release();
        }
    }

    private async Task<Exposition> DriveAndScrapeAsync()
    {
        using var gateway = api.CreateClient();
        var label = GatewayScript.NewLabel("alerts");
        Assert.Equal("ok", await TestPostbacks.StatusOf(await gateway.PostAsync(TestPostbacks.For("alerts-" + label, TestPostbacks.NewTransactionId()))));
        await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(TestPostbacks.NewTransactionId(), "alerts")], privateKey: "not-the-key"));
        await gateway.PostAsync("not json"u8.ToArray());
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label, "down", status: 503);
        using var user = api.ClientFor(label);
        await user.UploadAsync(depositId, ProofScript.Form());

        var metrics = api.Services.GetRequiredService<MerchantMetrics>();
        foreach (var outcome in Enum.GetValues<PostbackOutcome>())
        {
            metrics.PostbackReceived(Tag(outcome), null, null, TimeSpan.FromMilliseconds(3));
        }
        foreach (var reason in PostbackRejectReasons.All.Concat(PostbackParseReasons.All))
        {
            metrics.PostbackReceived(Tag(PostbackOutcome.Rejected), reason, null, TimeSpan.FromMilliseconds(1));
        }
        foreach (var reason in Constants(typeof(UnappliedReasons)))
        {
            metrics.PostbackItemUnapplied(reason);
        }
        metrics.RejectedPostbackNotRecorded();
        metrics.DepositsCredited(1);
        foreach (var status in Enum.GetValues<ProofStatus>())
        {
            metrics.ProofDelivery(Tag(status));
        }
        foreach (var status in Enum.GetValues<PayoutStatus>())
        {
            metrics.PayoutReached(Tag(status));
        }
        metrics.PayoutSignatureRefused();
        metrics.StreamRefused("user_limit");
        metrics.StreamRefused("at_capacity");
        metrics.PayoutsSettled(paid: 0, cancelled: 0, conflicts: 1);
        foreach (var status in Enum.GetValues<EventStatus>())
        {
            metrics.EventDelivery(Tag(status));
        }
        foreach (var reason in new[] { "user_limit", "at_capacity" })
        {
            metrics.StreamRefused(reason);
        }
        // The gauges sample the database every 15 s; open deposits by status have no series until
        // one is counted (the deposit above is open).
        await api.Services.GetRequiredService<QueueSnapshot>().RefreshAsync(CancellationToken.None);

        // The exporter caches a scrape for a moment: wait for one that has the last of them.
        var text = await Eventually.WaitForAsync(
            () => gateway.GetStringAsync("/metrics"),
            body => body.Contains("paykassma_events_deliveries_total{", StringComparison.Ordinal)
                && body.Contains("paykassma_deposits{", StringComparison.Ordinal)
                && body.Contains("failure=\"server_error\"", StringComparison.Ordinal));
        output.WriteLine(text);
        return new Exposition(text);
    }

    private static string Tag<TEnum>(TEnum value) where TEnum : struct, Enum => SnakeCaseEnumConverter<TEnum>.ToText(value);

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    private sealed record AlertRule(string Group, string Alert, string Expression, string Severity, string Summary, string Description, string RunbookUrl);

    private static List<AlertRule> Rules() =>
        List(Yaml(Path.Combine(PrometheusFolder, "alerts.yml")), "groups")
            .SelectMany(group => List(group, "rules").Select(rule => new AlertRule(
                Text(group, "name"), Text(rule, "alert"), Text(rule, "expr"),
                Text(Map(rule, "labels"), "severity"),
                Text(Map(rule, "annotations"), "summary"), Text(Map(rule, "annotations"), "description"),
                Text(Map(rule, "annotations"), "runbook_url"))))
            .ToList();

    private static IEnumerable<(string Panel, string Expression)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var queries = new List<(string, string)>();
        foreach (var panel in Panels(dashboard.RootElement).Where(p => p.TryGetProperty("targets", out _)))
        {
            queries.AddRange(panel.GetProperty("targets").EnumerateArray()
                .Select(t => (panel.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)));
        }
        // Variables: label_values(metric, label) is Grafana's, not PromQL; its metric and label are checked as a selector.
        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
                     .Where(v => v.GetProperty("type").GetString() == "query"))
        {
            var definition = variable.GetProperty("definition").GetString()!;
            var labelValues = Regex.Match(definition, @"^label_values\((?<metric>[^,]+),\s*(?<label>\w+)\)$");
            Assert.True(labelValues.Success, $"Variable {variable.GetProperty("name")}: not label_values(metric, label): {definition}");
            queries.Add(($"variable {variable.GetProperty("name")}",
                $"{labelValues.Groups["metric"].Value.Trim()}{{{labelValues.Groups["label"].Value}=~\".*\"}}"));
        }
        return queries;
    }

    /// <summary>Every panel, those inside collapsed rows too.</summary>
    private static IEnumerable<JsonElement> Panels(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().SelectMany(panel =>
            panel.TryGetProperty("panels", out var inner) ? [panel, .. inner.EnumerateArray()] : new[] { panel });

    /// <summary>The anchors GitHub (and most Markdown renderers) give the headings of a document, outside code blocks.</summary>
    private static HashSet<string> HeadingAnchors(IEnumerable<string> lines)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inCode = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }
            else if (!inCode && line.StartsWith('#'))
            {
                var heading = line.TrimStart('#').Trim().ToLowerInvariant();
                anchors.Add(Regex.Replace(heading, @"[^\p{L}\p{Nd}\s_-]", "").Replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>A sequence of mappings (empty when the key is missing or holds an empty flow sequence).</summary>
    private static List<YamlMappingNode> List(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? sequence.Children.Cast<YamlMappingNode>().ToList()
            : [];

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (YamlMappingNode)child : new YamlMappingNode();

    private static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value ?? "" : "";

    private static string PrometheusFolder => Path.Combine(RepositoryRoot, "deploy", "prometheus");

    private static string DashboardPath => Path.Combine(RepositoryRoot, "deploy", "grafana", "paykassma-merchant.json");

    private static string RepositoryRoot => Repository.Root;
}

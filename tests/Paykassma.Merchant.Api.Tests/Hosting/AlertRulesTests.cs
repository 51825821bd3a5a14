using System.Text.Json;
using System.Text.RegularExpressions;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// The alert rules (deploy/prometheus/alerts.yml) and the Grafana dashboard
/// (deploy/grafana/paykassma-merchant.json) that ship with the service: promtool checks the rules
/// and runs their unit tests (alerts.test.yml), and every metric, label and label value they use is
/// looked up in the service's own GET /metrics. Grafana itself is not here: the dashboard is checked
/// as JSON and by the names its queries use.
/// In the metrics collection, run alone after the others: the exporter listens to meters by name
/// across the process, so what this class records could otherwise show in another test's scrape.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed partial class AlertRulesTests(FastDispatcherFactory api, ITestOutputHelper output)
{
    /// <summary>The group for rules whose metrics land from other work in the same release (none at present).</summary>
    private const string PendingGroup = "pending-metrics";

    /// <summary>Labels Prometheus adds to every series at scrape time: never in the exposition.</summary>
    private static readonly string[] TargetLabels = ["job", "instance"];

    // The scrape is shared by the tests of this class: driving the service once is enough.
    private static readonly SemaphoreSlim ScrapeLock = new(1, 1);
    private static Exposition? _scraped;

    // The important alerts: alerts.test.yml must show each one firing, and quiet below its threshold.
    private static readonly string[] UnitTestedAlerts =
    [
        "PaykassmaPostbackHeld", "PaykassmaPostbackSignatureFailures", "PaykassmaProofQueueStuck", "PaykassmaPayoutQueueStuck",
        "PaykassmaEventsStuck", "PaykassmaEventsFailed", "PaykassmaPayoutStatusConflict", "PaykassmaPayoutsStale",
        "PaykassmaAttentionListLong", "PaykassmaAttentionListGrowing",
    ];

    [Fact]
    public async Task Promtool_accepts_the_alert_rules()
    {
        var run = await Promtool.RunAsync(PrometheusFolder, "check", "rules", "alerts.yml");
        output.WriteLine(run.Transcript);

        Assert.True(run.ExitCode == 0, run.Transcript);
        Assert.Contains($"SUCCESS: {Rules().Count} rules found", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alert_unit_tests_pass_and_show_each_important_alert_firing_and_quiet()
    {
        var run = await Promtool.RunAsync(PrometheusFolder, "test", "rules", "alerts.test.yml");
        output.WriteLine(run.Transcript);

        Assert.True(run.ExitCode == 0, run.Transcript);
        var cases = List(Yaml(Path.Combine(PrometheusFolder, "alerts.test.yml")), "tests")
            .SelectMany(test => List(test, "alert_rule_test"))
            .Select(check => (Alert: Text(check, "alertname"), Fires: List(check, "exp_alerts").Count > 0))
            .ToList();
        foreach (var alert in UnitTestedAlerts)
        {
            Assert.True(cases.Contains((alert, true)), $"alerts.test.yml has no case where {alert} fires.");
            Assert.True(cases.Contains((alert, false)), $"alerts.test.yml has no case where {alert} stays quiet.");
        }
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_a_description_a_runbook_section_and_a_row_in_the_operations_table()
    {
        var operations = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "operations.md"));
        var anchors = HeadingAnchors(operations.Split('\n'));
        var rules = Rules();

        Assert.NotEmpty(rules);
        Assert.Equal(rules.Count, rules.Select(rule => rule.Alert).Distinct().Count());
        foreach (var rule in rules)
        {
            Assert.True(rule.Severity is "page" or "ticket", $"{rule.Alert}: severity is '{rule.Severity}', not page or ticket.");
            Assert.False(string.IsNullOrWhiteSpace(rule.Summary), $"{rule.Alert} has no summary.");
            Assert.False(string.IsNullOrWhiteSpace(rule.Description), $"{rule.Alert} has no description.");
            Assert.StartsWith("docs/operations.md#runbook-", rule.RunbookUrl, StringComparison.Ordinal);
            var anchor = rule.RunbookUrl["docs/operations.md#".Length..];
            Assert.True(anchors.Contains(anchor), $"{rule.Alert}: docs/operations.md has no heading with the anchor #{anchor}.");
            Assert.True(operations.Contains($"| `{rule.Alert}` |", StringComparison.Ordinal),
                $"{rule.Alert} has no row in the alerts table of docs/operations.md.");
        }
        // The table's links (and the runbooks' links to each other) lead somewhere.
        var broken = Regex.Matches(operations, @"\]\(#(?<anchor>[^)]+)\)").Select(m => m.Groups["anchor"].Value)
            .Where(anchor => !anchors.Contains(anchor)).Distinct().ToList();
        Assert.True(broken.Count == 0, $"Links in docs/operations.md to no heading: {string.Join(", ", broken)}");
        // Every metric the rules use is exported now: none waits in the pending group (a rule on a metric
        // still to come from other work would go there, and the metric-name check lets it be absent).
        Assert.Empty(rules.Where(rule => rule.Group == PendingGroup).Select(rule => rule.Alert));
    }

    [Fact]
    public void The_dashboard_is_a_Grafana_model_whose_every_panel_has_a_title_and_queries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;

        Assert.Equal("paykassma-merchant", root.GetProperty("uid").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.InRange(root.GetProperty("schemaVersion").GetInt32(), 36, 41);
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        Assert.Contains(variables, v => v.GetProperty("name").GetString() == "datasource"
            && v.GetProperty("type").GetString() == "datasource" && v.GetProperty("query").GetString() == "prometheus");
        var panels = Panels(root).ToList();
        Assert.True(panels.Count(p => p.GetProperty("type").GetString() != "row") >= 15, "The dashboard has fewer than 15 panels.");
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels)
        {
            var title = panel.TryGetProperty("title", out var t) ? t.GetString() : null;
            Assert.False(string.IsNullOrWhiteSpace(title), $"Panel {panel.GetProperty("id")} has no title.");
            Assert.True(panel.TryGetProperty("gridPos", out _), $"Panel '{title}' has no gridPos.");
            if (panel.GetProperty("type").GetString() == "row")
            {
                continue; // a row holds panels, not queries
            }
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.TryGetProperty("targets", out var list) ? list.EnumerateArray().ToList() : [];
            Assert.True(targets.Count > 0, $"Panel '{title}' has no targets.");
            Assert.Equal(targets.Count, targets.Select(q => q.GetProperty("refId").GetString()).Distinct().Count());
            foreach (var target in targets)
            {
                Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()), $"Panel '{title}' has an empty query.");
                Assert.Equal("${datasource}", target.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }
    }

    [Fact]
    public void The_rough_PromQL_reader_finds_metrics_and_matchers_but_not_functions_labels_or_variables()
    {
        var selectors = PromQl.Selectors("""
            histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{job=~"$job", reason=~"x|y"}[$__rate_interval])))
              / ignoring(reason) group_left b_total offset 5m
              or max_over_time((c unless c offset 5m)[1h:1m]) > bool 1e3 and on (instance) absent(up{job="j"})
              + label_replace(d, "dst", "$1", "src", "(.*)") * ${scale}
            """);

        Assert.Equal(["a_bucket", "up", "b_total", "c", "c", "d"], selectors.Select(s => s.Metric));
        var a = selectors[0];
        Assert.Equal([("job", "=~", "$job"), ("reason", "=~", "x|y")], a.Matchers.Select(m => (m.Label, m.Operator, m.Value)));
        Assert.Empty(a.Matchers[0].LiteralValues());
        Assert.Equal(["x", "y"], a.Matchers[1].LiteralValues());
        Assert.Empty(new LabelMatcher("code", "=~", "5..").LiteralValues());
    }

    [Fact]
    public async Task Every_metric_label_and_value_in_the_rules_and_the_dashboard_is_exported_by_the_service()
    {
        var exposition = await ScrapeAsync();
        var rules = Rules();
        var used = rules.SelectMany(rule => PromQl.Selectors(rule.Expression).Select(s => (Where: $"alerts.yml {rule.Alert}", Selector: s)))
            .Concat(DashboardQueries().SelectMany(q => PromQl.Selectors(q.Expression).Select(s => (Where: $"dashboard '{q.Panel}'", Selector: s))))
            .ToList();
        // Names only the pending group's rules bring may be absent, and only while they are.
        var pending = rules.Where(rule => rule.Group == PendingGroup)
            .SelectMany(rule => PromQl.Selectors(rule.Expression)).Select(s => s.Metric)
            .Where(name => !exposition.Has(name)).ToHashSet(StringComparer.Ordinal);

        var problems = new List<string>();
        foreach (var (where, selector) in used)
        {
            if (selector.Metric == "up")
            {
                continue; // Prometheus's own series of each scrape: its labels are the target labels
            }
            if (!exposition.Has(selector.Metric))
            {
                if (!pending.Contains(selector.Metric))
                {
                    problems.Add($"{where}: '{selector.Metric}' is not in GET /metrics.");
                }
                continue;
            }
            var labels = exposition.LabelsOf(selector.Metric);
            foreach (var matcher in selector.Matchers.Where(m => !TargetLabels.Contains(m.Label)))
            {
                if (!labels.TryGetValue(matcher.Label, out var values))
                {
                    problems.Add($"{where}: '{selector.Metric}' has no label '{matcher.Label}' (it has {string.Join(", ", labels.Keys)}).");
                    continue;
                }
                // Values are fixed sets for our metrics and the route for HTTP; status codes depend on what happened.
                if (selector.Metric.StartsWith("paykassma_", StringComparison.Ordinal) || matcher.Label == "http_route")
                {
                    problems.AddRange(matcher.LiteralValues().Where(v => !values.Contains(v))
                        .Select(v => $"{where}: '{selector.Metric}' never has {matcher.Label}=\"{v}\" (seen: {string.Join(", ", values)})."));
                }
            }
        }
        output.WriteLine($"{used.Count} selectors checked; absent, expected from other work ({PendingGroup}): {string.Join(", ", pending.Order())}");

        Assert.True(problems.Count == 0, string.Join('\n', problems.Distinct()));
        Assert.Contains(used, u => u.Selector.Metric == "paykassma_postbacks_received_total"); // the reader read something
    }

    [Fact]
    public async Task Every_metric_of_the_service_is_on_the_dashboard()
    {
        var exposition = await ScrapeAsync();
        var shown = DashboardQueries().SelectMany(q => PromQl.Selectors(q.Expression)).Select(s => s.Metric).ToHashSet(StringComparer.Ordinal);

        // Per family: a histogram is shown by any of its _bucket, _sum or _count.
        var missing = exposition.Names.Where(name => name.StartsWith("paykassma_", StringComparison.Ordinal))
            .GroupBy(name => Regex.Replace(name, "_(bucket|sum|count)$", ""))
            .Where(family => !family.Any(shown.Contains))
            .Select(family => family.Key)
            .ToList();

        Assert.True(missing.Count == 0, $"Not on deploy/grafana/paykassma-merchant.json: {string.Join(", ", missing)}");
    }
}

using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>One label matcher of a PromQL selector: <c>outcome="held"</c>, <c>reason=~"a|b"</c>.</summary>
public sealed record LabelMatcher(string Label, string Operator, string Value)
{
    /// <summary>The literal values it names, or none when it is a real regex or a Grafana variable (nothing to look up).</summary>
    public IReadOnlyList<string> LiteralValues() =>
        Value.Contains('$', StringComparison.Ordinal) ? []
        : Operator is "=" or "!=" ? [Value]
        : Regex.IsMatch(Value, @"^[A-Za-z0-9_/-]+(\|[A-Za-z0-9_/-]+)*$") ? Value.Split('|')
        : [];
}

/// <summary>A metric named in a PromQL expression, with the matchers written beside it (if any).</summary>
public sealed record MetricSelector(string Metric, IReadOnlyList<LabelMatcher> Matchers);

/// <summary>
/// Reads PromQL roughly, enough to list the metric names and label matchers an expression uses: not
/// a parser (promtool parses the rules; Grafana is not here), but what the names check needs. Label
/// names in by/without/on/ignoring lists, function names, keywords, durations, strings and Grafana's
/// variables are not metric names.
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "inf", "nan",
    };

    public static IReadOnlyList<MetricSelector> Selectors(string expression)
    {
        var selectors = new List<MetricSelector>();
        // ${name} is $name to Grafana; the braces would read as a selector.
        var text = BracedVariable().Replace(expression, "$$$1");
        text = BracedSelector().Replace(text, match =>
        {
            var matchers = Matcher().Matches(match.Groups["body"].Value)
                .Select(m => new LabelMatcher(m.Groups["label"].Value, m.Groups["op"].Value, Regex.Unescape(m.Groups["value"].Value)))
                .ToList();
            selectors.Add(new MetricSelector(match.Groups["name"].Value, matchers));
            return " ";
        });
        text = StringLiteral().Replace(text, " ");
        text = RangeOrSubquery().Replace(text, " ");
        text = GroupingList().Replace(text, " ");
        text = Variable().Replace(text, " ");
        foreach (Match name in BareName().Matches(text))
        {
            if (!Keywords.Contains(name.Value))
            {
                selectors.Add(new MetricSelector(name.Value, []));
            }
        }
        return selectors;
    }

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex BracedVariable();

    // The name is optional in PromQL ({__name__="x"}); an empty name here fails the names check.
    [GeneratedRegex(@"(?<name>[A-Za-z_:][A-Za-z0-9_:]*)?\s*\{(?<body>[^{}]*)\}")]
    private static partial Regex BracedSelector();

    [GeneratedRegex(@"(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*(?<op>=~|!~|!=|=)\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex GroupingList();

    [GeneratedRegex(@"\$\w+")]
    private static partial Regex Variable();

    // Atomic, so that "rate(" is a function, not the name "rat" followed by "e(".
    [GeneratedRegex(@"(?<![\w:.])(?>[A-Za-z_:][A-Za-z0-9_:]*)(?!\s*\()")]
    private static partial Regex BareName();
}

/// <summary>
/// The Prometheus text exposition of GET /metrics, by sample name (a histogram's _bucket, _sum and
/// _count each, as PromQL names them): the label names each carries and the values seen for each.
/// </summary>
public sealed partial class Exposition
{
    private readonly Dictionary<string, Dictionary<string, HashSet<string>>> _samples = new(StringComparer.Ordinal);

    public Exposition(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var sample = Sample().Match(line);
            Assert.True(sample.Success, $"Not a sample line of the exposition: {line}");
            var labels = Labels(sample.Groups["name"].Value);
            foreach (Match label in Label().Matches(sample.Groups["labels"].Value))
            {
                if (!labels.TryGetValue(label.Groups["label"].Value, out var values))
                {
                    labels[label.Groups["label"].Value] = values = new HashSet<string>(StringComparer.Ordinal);
                }
                values.Add(label.Groups["value"].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal));
            }
        }
    }

    public IEnumerable<string> Names => _samples.Keys;

    public bool Has(string name) => _samples.ContainsKey(name);

    /// <summary>The label names of a sample name and the values seen for each.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> LabelsOf(string name) => _samples[name];

    private Dictionary<string, HashSet<string>> Labels(string name)
    {
        if (!_samples.TryGetValue(name, out var labels))
        {
            _samples[name] = labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        }
        return labels;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?:\{(?<labels>.*)\})?\s+\S+(?:\s+\S+)?\s*$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<label>[A-Za-z_][A-Za-z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

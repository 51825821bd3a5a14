using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Tests.Docs;

/// <summary>
/// docs/configuration.md against the options the service binds: a key renamed in the code and not in
/// the doc (or the other way round), or a setting added without its line, fails here with the doc's
/// line or the property that lacks one.
/// </summary>
public sealed partial class ConfigurationDocTests
{
    private const string ConfigurationDoc = "docs/configuration.md";

    /// <summary>Keys read by something other than our options classes: each with where it is read.</summary>
    private static readonly (string Prefix, string ReadBy)[] FrameworkKeys =
    [
        ("ConnectionStrings:Merchant", "GetConnectionString in PersistenceExtensions (into DatabaseOptions.ConnectionString)"),
        ("Serilog:", "Serilog.Settings.Configuration reads the whole section"),
        ("OTEL_", "the OpenTelemetry SDK reads its standard variables from configuration (TracingExtensions reads the endpoint too)"),
    ];

    /// <summary>Bound properties that are not settings of their own, with the reason.</summary>
    private static readonly (string Key, string Reason)[] NotSettings =
    [
        ("Database:ConnectionString", "filled from ConnectionStrings:Merchant after binding, whatever its own key says"),
    ];

    [Fact]
    public void Every_key_the_configuration_doc_lists_binds_to_a_setting()
    {
        var keys = BoundSettings.Keys();
        var unbound = DocumentedKeys()
            .Where(key => !Binds(key.Text, keys))
            .Select(key => $"{key}: binds to no options property and is no known framework key")
            .ToList();

        Assert.True(unbound.Count == 0, string.Join('\n', unbound));
    }

    [Fact]
    public void Every_configuration_key_named_in_any_doc_binds_to_a_setting()
    {
        var keys = BoundSettings.Keys();
        var unbound = (
            from doc in DocText.Docs()
            where doc != "docs/changelog.md" // a dated record: it names keys as they were when written
            from mention in DocText.Backticked(doc)
            from key in KeysIn(mention.Text)
            where !Binds(key, keys)
            select $"{mention.Doc}:{mention.Line}: `{key}` binds to no options property and is no known framework key"
        ).Distinct().ToList();

        Assert.True(unbound.Count == 0, string.Join('\n', unbound));
    }

    [Fact]
    public void Every_setting_the_service_binds_is_documented()
    {
        var documented = DocumentedKeys().Select(key => key.Text).ToList();
        var missing = BoundSettings.Keys()
            .Where(bound => !NotSettings.Any(skip => skip.Key.Equals(bound.Key, StringComparison.OrdinalIgnoreCase)))
            .Where(bound => !documented.Any(key => Covers(key, bound.Key)))
            .Select(bound => $"`{bound.Key}` ({bound.Value}) is not in {ConfigurationDoc}: add a row with its default")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public void The_settings_are_found_from_the_code()
    {
        // Guards the finder itself: if it found nothing, the two checks above would pass on anything.
        var keys = BoundSettings.Keys();
        Assert.Contains("Deposits:IdempotencyWait", keys.Keys);
        Assert.Contains("Paykassma:Resilience:AttemptTimeout", keys.Keys);
        Assert.Contains("Events:Dispatcher:MaxAttempts", keys.Keys);
        Assert.True(BoundSettings.Bindings().Count >= 15, $"only {BoundSettings.Bindings().Count} options bindings found");
    }

    /// <summary>
    /// The keys of the doc's table (its first column): a full key, or after a full key a bare property
    /// of the same section (`Deposits:ExpireAfter` / `ExpiryCheckInterval`), or `Section:*`.
    /// </summary>
    private static List<DocText.Mention> DocumentedKeys()
    {
        var keys = new List<DocText.Mention>();
        foreach (var (line, text) in DocText.ProseLines(ConfigurationDoc))
        {
            var cells = text.Split('|');
            if (!text.StartsWith('|') || cells.Length < 3 || cells[1].Trim() is "key" || cells[1].Trim().StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }
            var prefix = "";
            foreach (Match code in InlineCode().Matches(cells[1]))
            {
                var token = code.Groups[1].Value;
                if (FullKey().IsMatch(token))
                {
                    prefix = token[..token.LastIndexOf(':')];
                    keys.Add(new DocText.Mention(ConfigurationDoc, line, token));
                }
                else if (token.StartsWith("OTEL_", StringComparison.Ordinal))
                {
                    keys.Add(new DocText.Mention(ConfigurationDoc, line, token));
                }
                else
                {
                    Assert.True(prefix.Length > 0 && BareName().IsMatch(token),
                        $"{ConfigurationDoc}:{line}: `{token}` in the key column is not a key (Section:Name, or a Name after a key of its section)");
                    keys.Add(new DocText.Mention(ConfigurationDoc, line, $"{prefix}:{token}"));
                }
            }
        }
        Assert.True(keys.Count > 20, $"only {keys.Count} keys read from {ConfigurationDoc}: has the table's layout changed?");
        return keys;
    }

    /// <summary>Configuration keys in a backticked text: `Section:Name` whole, or environment variables (`Section__Name`).</summary>
    private static IEnumerable<string> KeysIn(string text)
    {
        if (FullKey().IsMatch(text))
        {
            yield return text;
        }
        foreach (Match variable in EnvironmentKey().Matches(text))
        {
            yield return variable.Value.Replace("__", ":", StringComparison.Ordinal);
        }
    }

    private static bool Binds(string key, IReadOnlyDictionary<string, string> bound) =>
        FrameworkKeys.Any(framework => key.StartsWith(framework.Prefix, StringComparison.OrdinalIgnoreCase)
                                       || (key + ":").Equals(framework.Prefix, StringComparison.OrdinalIgnoreCase))
        || bound.Keys.Any(boundKey => Covers(key, boundKey));

    /// <summary>Whether a documented key (exact, or `Section:*`) covers a bound one.</summary>
    private static bool Covers(string documented, string bound) =>
        documented.EndsWith(":*", StringComparison.Ordinal)
            ? bound.StartsWith(documented[..^1], StringComparison.OrdinalIgnoreCase)
            : bound.Equals(documented, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*(?::(?:[A-Z][A-Za-z0-9]*|\*))+$")]
    private static partial Regex FullKey();

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex BareName();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*(?:__[A-Z][A-Za-z0-9]*)+\b")]
    private static partial Regex EnvironmentKey();
}

using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Paykassma.Merchant.Api.Tests.Docs;

/// <summary>
/// Every configuration key the service binds, found from its code: each options class registered with
/// <c>AddOptions&lt;T&gt;().BindConfiguration(section)</c> (or <c>.Bind(…GetSection(section))</c>, or
/// <c>Configure&lt;T&gt;(…GetSection(section))</c>) in src/Paykassma.Merchant.Api, and from it, by
/// reflection, every property the configuration binder would set, nested options (a feature's
/// <c>Dispatcher</c>) included.
/// </summary>
internal static partial class BoundSettings
{
    private const string ServiceSource = "src/Paykassma.Merchant.Api";

    // The assemblies whose options the service binds: its own and the gateway library's (PaykassmaOptions).
    private static readonly Assembly[] ServiceAssemblies =
        [typeof(Paykassma.Merchant.Api.Deposits.DepositOptions).Assembly, typeof(Paykassma.PluginApi.PaykassmaOptions).Assembly];

    public sealed record Binding(string File, Type Options, string Section);

    /// <summary>Each options class bound to a section, with the source file that binds it.</summary>
    public static IReadOnlyList<Binding> Bindings()
    {
        var bindings = new List<Binding>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(DocText.Root, ServiceSource), "*.cs", SearchOption.AllDirectories))
        {
            var file = Path.GetRelativePath(DocText.Root, path).Replace('\\', '/');
            if (file.Contains("/bin/", StringComparison.Ordinal) || file.Contains("/obj/", StringComparison.Ordinal))
            {
                continue;
            }
            var text = File.ReadAllText(path);
            var found = 0;
            foreach (Match match in BoundOptions().Matches(text))
            {
                found++;
                bindings.Add(new Binding(file, OptionsType(file, match.Groups["type"].Value), Section(file, match.Groups["section"].Value)));
            }
            // A binding written some other way would escape the check: fail rather than miss it.
            var calls = BindingCall().Matches(text).Count;
            Assert.True(calls == found,
                $"{file}: {calls} configuration binding call(s) (BindConfiguration, GetSection) but {found} read as " +
                "AddOptions<T>().BindConfiguration(X.SectionName) / .Bind(…GetSection(…)) / Configure<T>(…GetSection(…)); " +
                "write the binding in one of those forms so the configuration doc check can see it.");
        }
        return bindings;
    }

    /// <summary>Every key the service binds (section:Property[:Nested…]), with the options class and property it lands in.</summary>
    public static IReadOnlyDictionary<string, string> Keys()
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var binding in Bindings())
        {
            Collect(binding.Options, binding.Section, binding.Options.Name, keys, depth: 0);
        }
        return keys;
    }

    private static void Collect(Type type, string prefix, string owner, Dictionary<string, string> keys, int depth)
    {
        Assert.True(depth < 5, $"{owner}: options nested more than 5 deep (a cycle?)");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
            {
                continue;
            }
            var settable = property.SetMethod is { IsPublic: true };
            var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var key = $"{prefix}:{name}";
            if (IsLeaf(property.PropertyType))
            {
                if (settable)
                {
                    keys[key] = $"{owner}.{property.Name}";
                }
            }
            else
            {
                // The binder fills a nested object through its getter too, settable or not.
                Collect(property.PropertyType, key, $"{owner}.{property.Name}", keys, depth + 1);
            }
        }
    }

    /// <summary>A value one key sets (a list of values counts as one: its key is documented once).</summary>
    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid))
        {
            return true;
        }
        if (type.IsArray)
        {
            return IsLeaf(type.GetElementType()!);
        }
        if (typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType)
        {
            return type.GetGenericArguments().All(IsLeaf);
        }
        return false;
    }

    private static Type OptionsType(string file, string name)
    {
        var candidates = ServiceAssemblies.SelectMany(assembly => assembly.GetTypes()).Where(type => type.Name == name).ToList();
        Assert.True(candidates.Count == 1, $"{file}: options type {name} found {candidates.Count} times in the service's assemblies");
        return candidates[0];
    }

    private static string Section(string file, string expression)
    {
        expression = expression.Trim();
        if (expression.StartsWith('"') && expression.EndsWith('"'))
        {
            return expression[1..^1];
        }
        var constant = SectionConstant().Match(expression);
        Assert.True(constant.Success, $"{file}: section `{expression}` is neither a string nor X.SectionName");
        var field = OptionsType(file, constant.Groups["type"].Value)
            .GetField(constant.Groups["field"].Value, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
        Assert.True(field?.IsLiteral == true, $"{file}: {expression} is not a constant");
        return (string)field!.GetRawConstantValue()!;
    }

    [GeneratedRegex("""
        AddOptions<(?<type>\w+)>\(\)\s*\.(?:BindConfiguration\((?<section>[^()]+)\)|Bind\(\s*\w+\.GetSection\((?<section>[^()]+)\)\s*\))
        |Configure<(?<type>\w+)>\(\s*\w+\.GetSection\((?<section>[^()]+)\)\s*\)
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex BoundOptions();

    [GeneratedRegex(@"\b(?:BindConfiguration|GetSection)\(")]
    private static partial Regex BindingCall();

    [GeneratedRegex(@"^(?<type>\w+)\.(?<field>\w+)$")]
    private static partial Regex SectionConstant();
}

using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Tests.Docs;

/// <summary>
/// Names of code in README.md and docs/**/*.md: a file or folder a doc points to must exist, and a
/// type a doc names must exist in the built assemblies, so a rename or a deleted file cannot leave the
/// prose behind. The rules, so that a failure is a real drift:
/// <list type="bullet">
/// <item>A link target that is not a URL or an anchor is a path relative to its doc.</item>
/// <item>A backticked token without spaces is a repository path when it starts at the root
/// (`src/…`, `bench/run.sh`), starts with a folder of src/ or tests/ (`Dispatching/`,
/// `Events/EventStatements.Emit`: the file, or its partial files, must exist), or ends with a file
/// extension (`usage.ts`: a file of that name must exist). Routes (`/api/…`), URLs and patterns
/// (`*`, `{id}`, `…`) are not paths.</item>
/// <item>A backticked PascalCase name of two words or more (`LiveStatusFeed`, optionally
/// `.Member`) is code: a type, namespace or member of the built assemblies, a test class, or an alert
/// name; `Ours.Member` must be a member of our type.</item>
/// </list>
/// </summary>
public sealed partial class CodeNamesInDocsTests
{
    /// <summary>Names a doc may use that are not .NET code, each with what it is.</summary>
    private static readonly Dictionary<string, string> NotDotNet = new(StringComparer.Ordinal)
    {
        ["PrometheusRule"] = "the Prometheus Operator's resource kind, which operations.md tells ops to wrap the rules in",
    };

    /// <summary>Paths the tests make, which a checkout does not have, each with what makes it.</summary>
    private static readonly Dictionary<string, string> Generated = new(StringComparer.Ordinal)
    {
        ["tests/contract/.work"] = "ContractTests' work folder, kept when they fail",
        ["openapi.json"] = "the document ContractTests saves in that folder",
    };

    /// <summary>A dated record of contract changes: it names what was (`was RejectPayoutRequest`), and is appended to, never rewritten.</summary>
    private const string Changelog = "docs/changelog.md";

    private static IEnumerable<string> CheckedDocs() => DocText.Docs().Where(doc => doc != Changelog);

    private static readonly string[] FileExtensions =
        [".cs", ".md", ".sh", ".sql", ".json", ".yml", ".yaml", ".ts", ".mjs", ".js", ".csproj", ".props", ".slnf", ".sln", ".php", ".txt", ".toml"];

    [Fact]
    public void Every_path_a_doc_names_exists()
    {
        var universe = CodeNames.Get();
        var missing = new List<string>();
        foreach (var doc in CheckedDocs())
        {
            var folder = Path.GetDirectoryName(doc)!.Replace('\\', '/');
            foreach (var link in DocText.LinkTargets(doc))
            {
                var target = link.Text.Split('#')[0];
                if (target.Length == 0 || target.Contains(':', StringComparison.Ordinal))
                {
                    continue;
                }
                var resolved = Normalize(folder.Length == 0 ? target : $"{folder}/{target}");
                if (resolved is null || !(universe.Paths.Contains(resolved) || universe.Paths.Contains(resolved.TrimEnd('/') + "/")))
                {
                    missing.Add($"{link}: the link's target {resolved ?? target} does not exist");
                }
            }
            foreach (var mention in DocText.Backticked(doc))
            {
                if (PathClaim(mention.Text, universe) is { } claim && !Generated.ContainsKey(claim) && !PathExists(claim, universe))
                {
                    missing.Add($"{mention}: no such file or folder in the repository");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public void Every_type_a_doc_names_exists()
    {
        var universe = CodeNames.Get();
        var unknown = new List<string>();
        foreach (var mention in CheckedDocs().SelectMany(DocText.Backticked))
        {
            var name = CodeName().Match(mention.Text);
            if (!name.Success || NotDotNet.ContainsKey(mention.Text))
            {
                continue;
            }
            var type = name.Groups["type"].Value;
            var member = name.Groups["member"].Value;
            if (universe.OwnTypes.TryGetValue(type, out var ours) && member.Length > 0)
            {
                if (!ours.Any(candidate => candidate.GetMember(member, AllMembers).Length > 0))
                {
                    unknown.Add($"{mention}: {type} has no member {member}");
                }
            }
            else if (!universe.Names.Contains(type) && !(member.Length == 0 && universe.Members.Contains(type)))
            {
                unknown.Add($"{mention}: no type {type} in the built assemblies (nor a member, test class or alert of that name)");
            }
        }

        Assert.True(unknown.Count == 0, string.Join('\n', unknown));
    }

    private const System.Reflection.BindingFlags AllMembers =
        System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance
        | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.IgnoreCase;

    /// <summary>The repository path a backticked token claims, or null when it is no path.</summary>
    private static string? PathClaim(string token, CodeNames.Universe universe)
    {
        if (NotAPath().IsMatch(token) || token.StartsWith('/'))
        {
            return null;
        }
        var path = token.StartsWith("./", StringComparison.Ordinal) ? token[2..] : token;
        var first = path.Split('/')[0];
        var fromRoot = path.Contains('/') && universe.Paths.Contains(first + "/");
        var fromSourceFolder = path.Contains('/') && universe.SourceFolders.Contains(first);
        var named = FileExtensions.Any(extension => path.EndsWith(extension, StringComparison.Ordinal)) || universe.Paths.Contains(path);
        return fromRoot || fromSourceFolder || named ? path : null;
    }

    private static bool PathExists(string path, CodeNames.Universe universe)
    {
        if (universe.Paths.Contains(path) || universe.Paths.Contains(path.TrimEnd('/') + "/"))
        {
            return true;
        }
        // Written from a feature folder, or by its file name alone: a path ending so must exist.
        var suffixes = new List<string> { "/" + path.TrimEnd('/') + (path.EndsWith('/') ? "/" : "") };
        var last = path.Split('/')[^1];
        if (!path.EndsWith('/') && !FileExtensions.Any(extension => last.EndsWith(extension, StringComparison.Ordinal)))
        {
            // `Events/EventStatements.Emit`: the type's file (or one of its partial files) names it.
            var stem = "/" + path[..(path.Length - last.Length)] + last.Split('.')[0];
            suffixes.Add(stem + ".cs");
            suffixes.Add(stem + ".");
        }
        return universe.Paths.Any(candidate => suffixes.Any(suffix =>
            ("/" + candidate).EndsWith(suffix, StringComparison.Ordinal)
            || (suffix.EndsWith('.') && ("/" + candidate).Contains(suffix, StringComparison.Ordinal) && candidate.EndsWith(".cs", StringComparison.Ordinal))));
    }

    private static string? Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts) + (path.EndsWith('/') ? "/" : "");
    }

    // Routes, URLs, globs, placeholders, elisions and anything with spaces or operators are not paths.
    [GeneratedRegex(@"[\s*{}<>…?=+%&@\\:,;()\[\]|'""]")]
    private static partial Regex NotAPath();

    // Two capitalised words at least, run together: `LiveStatusFeed`, `EventStatements.Emit`.
    [GeneratedRegex(@"^(?<type>[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+|I[A-Z][a-z0-9]+[A-Za-z0-9]*)(?:\.(?<member>[A-Za-z_][A-Za-z0-9_]*))?$")]
    private static partial Regex CodeName();
}

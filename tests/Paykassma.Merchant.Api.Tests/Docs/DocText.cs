using System.Text.RegularExpressions;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Docs;

/// <summary>
/// The repository's prose as the docs checks read it: README.md and docs/**/*.md, each backticked name
/// and each link target with the line it is on (fenced code blocks are commands and output, not names).
/// </summary>
internal static partial class DocText
{
    /// <summary>The repository, as the kit finds it (<see cref="Repository"/>).</summary>
    public static readonly string Root = Repository.Root;

    public sealed record Mention(string Doc, int Line, string Text)
    {
        public override string ToString() => $"{Doc}:{Line}: `{Text}`";
    }

    /// <summary>README.md and every Markdown file under docs/, as paths relative to the root.</summary>
    public static IReadOnlyList<string> Docs() =>
        [
            "README.md",
            .. Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
                .Order(StringComparer.Ordinal),
        ];

    /// <summary>The doc's lines outside fenced code blocks, numbered from 1.</summary>
    public static IEnumerable<(int Line, string Text)> ProseLines(string doc)
    {
        var fenced = false;
        var number = 0;
        foreach (var line in File.ReadLines(Path.Combine(Root, doc)))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (!fenced)
            {
                yield return (number, line);
            }
        }
    }

    public static IEnumerable<Mention> Backticked(string doc) =>
        from line in ProseLines(doc)
        from Match match in InlineCode().Matches(line.Text)
        select new Mention(doc, line.Line, match.Groups[1].Value);

    /// <summary>Targets of Markdown links (<c>[text](target)</c>), as written.</summary>
    public static IEnumerable<Mention> LinkTargets(string doc) =>
        from line in ProseLines(doc)
        from Match match in Link().Matches(InlineCode().Replace(line.Text, ""))
        select new Mention(doc, line.Line, match.Groups[1].Value);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}

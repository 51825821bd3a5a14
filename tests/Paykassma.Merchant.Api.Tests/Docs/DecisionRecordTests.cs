using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Tests.Docs;

/// <summary>
/// docs/decisions: one template for every ADR, changed by superseding rather than by amending, and an
/// index that lists each with its status.
/// </summary>
public sealed partial class DecisionRecordTests
{
    private const string Folder = "docs/decisions";

    private static readonly string[] Template = ["Status", "Context", "Decision", "Alternatives considered", "Consequences"];

    [Fact]
    public void Every_decision_record_follows_the_template()
    {
        var problems = new List<string>();
        foreach (var (doc, number) in Records())
        {
            var lines = DocText.ProseLines(doc).ToList();
            if (lines.Count == 0 || !lines[0].Text.StartsWith($"# {number} ", StringComparison.Ordinal))
            {
                problems.Add($"{doc}:1: the title must be `# {number} <the decision>`");
            }
            var headings = lines.Where(line => line.Text.StartsWith("## ", StringComparison.Ordinal)).ToList();
            var names = headings.Select(heading => heading.Text[3..].Trim()).ToList();
            if (!names.SequenceEqual(Template))
            {
                problems.Add($"{doc}: sections are [{string.Join(", ", names)}]; the template is [{string.Join(", ", Template)}] " +
                             "(anything else goes under one of them as ###)");
            }
            foreach (var (line, text) in lines.Where(line => Amended().IsMatch(line.Text)))
            {
                problems.Add($"{doc}:{line}: `{text.Trim()}`: a decision that changes is superseded by a new ADR, not amended");
            }
            if (Status(doc) is not { } status)
            {
                problems.Add($"{doc}: the Status section must start `Accepted, YYYY-MM-DD` or `Superseded by [NNNN](NNNN-….md), YYYY-MM-DD`");
            }
            else if (status.SupersededBy is { } successor)
            {
                var successorDoc = Records().FirstOrDefault(record => record.Number == successor).Doc;
                if (successorDoc is null)
                {
                    problems.Add($"{doc}:{status.Line}: superseded by {successor}, which does not exist");
                }
                else if (!SectionText(successorDoc, "Status").Contains($"Supersedes [{number}]", StringComparison.Ordinal))
                {
                    problems.Add($"{successorDoc}: its Status must say `Supersedes [{number}](…)`, which names it as superseded");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_decisions_index_lists_every_record_with_its_status()
    {
        const string index = Folder + "/README.md";
        var rows = DocText.ProseLines(index)
            .Select(line => (line.Line, Match: IndexRow().Match(line.Text)))
            .Where(row => row.Match.Success)
            .ToList();
        var problems = new List<string>();
        foreach (var (doc, number) in Records())
        {
            var listed = rows.Where(row => row.Match.Groups["file"].Value == Path.GetFileName(doc)).ToList();
            if (listed.Count != 1)
            {
                problems.Add($"{index}: {Path.GetFileName(doc)} is listed {listed.Count} times (once, with its status)");
                continue;
            }
            var expected = Status(doc)?.SupersededBy is { } successor ? $"superseded by {successor}" : "accepted";
            var written = listed[0].Match.Groups["status"].Value.Trim();
            if (!written.Equals(expected, StringComparison.Ordinal))
            {
                problems.Add($"{index}:{listed[0].Line}: {number} is `{written}` in the index but `{expected}` in its Status");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Code_cites_only_decisions_in_force()
    {
        // A comment that names a superseded ADR sends the reader to a decision that no longer holds.
        // Migrations are left out: each describes the schema as its own decision had it then.
        var status = Records().ToDictionary(record => record.Number, record => Status(record.Doc)?.SupersededBy);
        var problems = new List<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(DocText.Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var file = Path.GetRelativePath(DocText.Root, path).Replace('\\', '/');
            if (file.Contains("/bin/", StringComparison.Ordinal) || file.Contains("/obj/", StringComparison.Ordinal)
                || file.Contains("/Migrations/", StringComparison.Ordinal))
            {
                continue;
            }
            var number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                foreach (Match cited in CitedRecord().Matches(line))
                {
                    var adr = cited.Groups[1].Value;
                    if (!status.TryGetValue(adr, out var successor))
                    {
                        problems.Add($"{file}:{number}: cites ADR {adr}, which does not exist");
                    }
                    else if (successor is not null)
                    {
                        problems.Add($"{file}:{number}: cites ADR {adr}, superseded by {successor}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static IEnumerable<(string Doc, string Number)> Records() =>
        DocText.Docs()
            .Where(doc => doc.StartsWith(Folder + "/", StringComparison.Ordinal))
            .Select(doc => (doc, Number: RecordFile().Match(Path.GetFileName(doc))))
            .Where(record => record.Number.Success)
            .Select(record => (record.doc, record.Number.Groups[1].Value));

    private sealed record RecordStatus(int Line, string? SupersededBy);

    private static RecordStatus? Status(string doc)
    {
        var inStatus = false;
        foreach (var (line, text) in DocText.ProseLines(doc))
        {
            if (text.StartsWith("## ", StringComparison.Ordinal))
            {
                inStatus = text[3..].Trim() == "Status";
                continue;
            }
            if (inStatus && text.Trim().Length > 0)
            {
                var status = StatusLine().Match(text);
                return status.Success ? new RecordStatus(line, status.Groups["by"].Success ? status.Groups["by"].Value : null) : null;
            }
        }
        return null;
    }

    private static string SectionText(string doc, string section)
    {
        var inSection = false;
        var text = new List<string>();
        foreach (var (_, line) in DocText.ProseLines(doc))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line[3..].Trim() == section;
                continue;
            }
            if (inSection)
            {
                text.Add(line);
            }
        }
        return string.Join(' ', text);
    }

    [GeneratedRegex(@"\bADRs? (\d{4})\b")]
    private static partial Regex CitedRecord();

    [GeneratedRegex(@"^(\d{4})-[a-z0-9-]+\.md$")]
    private static partial Regex RecordFile();

    [GeneratedRegex(@"^(?:Accepted|Superseded by \[(?<by>\d{4})\]\(\k<by>-[a-z0-9-]+\.md\)),? \d{4}-\d{2}-\d{2}\b")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^#+\s.*\b(?:Amendment|Amended|Update)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Amended();

    [GeneratedRegex(@"^\|\s*\[\d{4}\]\((?<file>\d{4}-[a-z0-9-]+\.md)\)\s*\|(?<status>[^|]+)\|")]
    private static partial Regex IndexRow();
}

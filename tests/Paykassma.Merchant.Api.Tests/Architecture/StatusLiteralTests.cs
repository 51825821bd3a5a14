using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Tests.Architecture;

/// <summary>
/// A status written or read by SQL comes from its state machine's table, never from a quoted string in
/// a statement: then the table is the whole truth about what can happen, and a renamed status cannot
/// leave a statement behind. The scan reads the source, so it covers statements built inside methods,
/// index filters and gauges alike.
/// </summary>
public sealed partial class StatusLiteralTests
{
    /// <summary>
    /// Places where a status's spelling is quoted without being a status. Each entry is the exact text
    /// excused, in the file named, and why.
    /// </summary>
    private static readonly (string File, string Text, string Why)[] NotStatuses =
    [
        // None today: the attention list's facts key for the confirmed amount is confirmedAmount.
    ];

    [Fact]
    public void Every_table_is_found_by_the_scan() =>
        Assert.Equal(
            ["DepositStatus", "EventStatus", "PayoutStatus", "PostbackOutcome", "ProofStatus"],
            Tables().Select(table => table.Status.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void No_statement_outside_the_transitions_files_quotes_a_status()
    {
        var values = Tables().SelectMany(table => Enum.GetNames(table.Status)).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToHashSet();
        var found = new List<string>();
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                found.AddRange(QuotedStatuses(Path.GetFileName(file), lines[i], values)
                    .Select(value => $"{Path.GetRelativePath(SourceRoot, file)}:{i + 1}: '{value}' (take it from the feature's …Transitions table)"));
            }
        }
        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    [Fact]
    public void The_scan_finds_a_quoted_status_in_a_raw_or_interpolated_statement_and_not_in_a_comment()
    {
        var values = new HashSet<string> { "sent", "awaiting_payment" };
        Assert.Equal(["sent"], QuotedStatuses("X.cs", "        WHERE status = 'sent' AND sent_at < $2", values));
        Assert.Equal(["awaiting_payment"], QuotedStatuses("X.cs", "$\"UPDATE deposits SET status = 'awaiting_payment'\"", values));
        Assert.Empty(QuotedStatuses("X.cs", "    /// <summary>The move's target: <c>'sent'</c>.</summary>", values));
        Assert.Empty(QuotedStatuses("X.cs", "    var a = b; // the row is still 'sent'", values));
        Assert.Empty(QuotedStatuses("X.cs", "    WHERE status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Send)}", values));
    }

    /// <summary>The quoted status values on one line of code (comments and excused text left out).</summary>
    private static IEnumerable<string> QuotedStatuses(string fileName, string line, IReadOnlySet<string> values)
    {
        if (line.TrimStart().StartsWith("//", StringComparison.Ordinal))
        {
            return [];
        }
        var code = TrailingComment().Replace(line, "");
        foreach (var excused in NotStatuses.Where(n => n.File == fileName))
        {
            code = code.Replace(excused.Text, "", StringComparison.Ordinal);
        }
        // Outside a string a quote holds one character, so a quoted word is always inside a string.
        return Quoted().Matches(code).Select(m => m.Groups[1].Value).Where(values.Contains);
    }

    /// <summary>
    /// Every C# file of src but the transitions tables and the migrations. A migration is generated
    /// from the model (index filters, check constraints) at the time it was added and is history: it
    /// keeps the literal text the table produced then, and must not change afterwards.
    /// </summary>
    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(SourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.EndsWith("Transitions.cs", StringComparison.Ordinal))
            .Where(file => !Segments(file).Intersect(["bin", "obj", "Migrations"]).Any());

    private static string[] Segments(string file) =>
        Path.GetRelativePath(SourceRoot, file).Split(Path.DirectorySeparatorChar);

    /// <summary>Every state machine table of the service: a …Transitions class with a <c>Moves</c> StatusMachine.</summary>
    private static IEnumerable<(Type Transitions, Type Status)> Tables() =>
        typeof(StatusMachine<,>).Assembly.GetTypes()
            .Where(type => type.Name.EndsWith("Transitions", StringComparison.Ordinal))
            .Select(type => (type, field: type.GetField("Moves", BindingFlags.Public | BindingFlags.Static)))
            .Where(t => t.field?.FieldType is { IsGenericType: true } ft && ft.GetGenericTypeDefinition() == typeof(StatusMachine<,>))
            .Select(t => (t.type, t.field!.FieldType.GetGenericArguments()[0]));

    private static string SourceRoot { get; } = Path.Combine(Docs.DocText.Root, "src");

    [GeneratedRegex("'([a-z_]+)'")]
    private static partial Regex Quoted();

    // A comment after code on the same line; "://" (a URL in a string) is not one.
    [GeneratedRegex(@"(?<![:""])//\s.*$")]
    private static partial Regex TrailingComment();
}

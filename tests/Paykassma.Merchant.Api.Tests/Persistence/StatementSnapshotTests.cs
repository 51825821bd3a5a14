using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Tests.Observability;

namespace Paykassma.Merchant.Api.Tests.Persistence;

/// <summary>
/// The final SQL of every statement a <c>…Statements</c> class holds, as PostgreSQL receives it (the
/// transitions' literals and the generated <c>$n</c> filled in), checked in beside this test under
/// <c>Snapshots/</c>: a change to a statement shows in review as a change to that text, and a change
/// nobody meant (a renumbered parameter, a literal from another status) fails here. After a meant
/// change: <c>UPDATE_SQL_SNAPSHOTS=1 ./test.sh --filter StatementSnapshot</c>, and review the diff.
/// Statements built per call (a claim for one or for a batch) are not fields and are not covered.
/// </summary>
public sealed class StatementSnapshotTests
{
    public static TheoryData<string> Classes() =>
        new(StatementClasses().Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Classes))]
    public void Every_statement_is_the_text_in_its_snapshot(string className)
    {
        var type = StatementClasses().Single(t => t.Name == className);
        var actual = Snapshot(type);
        var path = Path.Combine(SnapshotFolder(), className + ".sql");
        if (Environment.GetEnvironmentVariable("UPDATE_SQL_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"No snapshot {path}: run UPDATE_SQL_SNAPSHOTS=1 ./test.sh --filter StatementSnapshot and commit it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    /// <summary>
    /// The statements of one gauge sampling round (QueueSnapshot), in the sources' order: their cost is
    /// their shape (a count that stops at the limit, one index entry per status for the oldest), which
    /// QueueSnapshotTests checks in the plans; a change to the text shows here first.
    /// </summary>
    [Fact]
    public void The_gauge_round_is_the_text_in_its_snapshot()
    {
        var text = new StringBuilder();
        foreach (var (source, command) in QueueSnapshotTests.RoundStatements(QueueSnapshotTests.DefaultSources(), DateTimeOffset.UnixEpoch))
        {
            text.Append("-- gauge ").Append(source).Append(" --\n").Append(command.CommandText.ReplaceLineEndings("\n").Trim()).Append("\n\n");
        }
        var path = Path.Combine(SnapshotFolder(), "QueueSnapshot.sql");
        if (Environment.GetEnvironmentVariable("UPDATE_SQL_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, text.ToString());
        }

        Assert.True(File.Exists(path), $"No snapshot {path}: run UPDATE_SQL_SNAPSHOTS=1 ./test.sh --filter StatementSnapshot and commit it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), text.ToString());
    }

    [Fact]
    public void The_snapshots_cover_the_hot_and_the_money_statements()
    {
        var names = StatementClasses().Select(t => t.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "PostbackStatements", "DepositStatements", "ProofStatements", "PayoutStatements", "EventStatements" }, names);
        Assert.Contains("-- statement StoreOne --", Snapshot(typeof(PostbackStatements)), StringComparison.Ordinal);
    }

    private static IEnumerable<Type> StatementClasses() =>
        typeof(StatementParameters<>).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Statements", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed)
            .Where(t => Statements(t).Any())
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>
    /// Each statement field (public or internal: private ones are fragments the statements are built
    /// from, already in their text) holding SQL: a string, or a statement built from names.
    /// </summary>
    private static IEnumerable<(string Name, string Sql)> Statements(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => !f.IsPrivate && !f.Name.Contains('<', StringComparison.Ordinal))
            .Select(f => (f.Name, Sql: f.GetValue(null) switch
            {
                string text when LooksLikeSql(text) => text,
                PostbackStatement statement => statement.Text,
                { } value when value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(NamedStatement<>) =>
                    (string)value.GetType().GetProperty("Text")!.GetValue(value)!,
                _ => null,
            }))
            .Where(s => s.Sql is not null)
            .Select(s => (s.Name, s.Sql!))
            .OrderBy(s => s.Name, StringComparer.Ordinal);

    private static bool LooksLikeSql(string text) =>
        new[] { "SELECT", "INSERT", "UPDATE", "DELETE", "WITH" }.Any(k => text.Contains(k, StringComparison.Ordinal));

    private static string Snapshot(Type type)
    {
        var text = new StringBuilder();
        foreach (var (name, sql) in Statements(type))
        {
            text.Append("-- statement ").Append(name).Append(" --\n").Append(sql.ReplaceLineEndings("\n").Trim()).Append("\n\n");
        }
        return text.ToString();
    }

    private static string SnapshotFolder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Snapshots");
}

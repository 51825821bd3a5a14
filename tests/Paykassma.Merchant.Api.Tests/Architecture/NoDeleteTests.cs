using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Tests.Architecture;

/// <summary>
/// Deposits, proofs and payouts are never deleted: a signed fact names them by id without a foreign
/// key (ADR 0024), and what it names must stay. The scan reads the source (SQL and EF Core alike), so a
/// retention job or an ops call that deletes one fails here before it can leave a fact pointing nowhere.
/// </summary>
public sealed partial class NoDeleteTests
{
    [Fact]
    public void No_code_deletes_a_deposit_a_proof_or_a_payout()
    {
        var found = new List<string>();
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (Deletes().IsMatch(lines[i]))
                {
                    found.Add($"{Path.GetRelativePath(SourceRoot, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(found.Count == 0, "Signed facts name these rows without a foreign key (ADR 0024):\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("DELETE FROM deposits WHERE id = $1")]
    [InlineData("    delete from proofs p")]
    [InlineData("DELETE FROM payouts")]
    [InlineData("await db.Payouts.Where(p => p.Id == id).ExecuteDeleteAsync();")]
    [InlineData("db.Deposits.Remove(deposit);")]
    [InlineData("db.Proofs.RemoveRange(old);")]
    public void The_scan_finds_a_delete_in_sql_and_in_ef_core(string line) => Assert.Matches(Deletes(), line);

    [Theory]
    [InlineData("DELETE FROM deposit_changes WHERE at < $1")]
    [InlineData("DELETE FROM payout_attempts")]
    [InlineData("await db.DepositWatches.Where(w => w.ExpiresAt < now).ExecuteDeleteAsync();")]
    public void Other_tables_may_be_pruned(string line) => Assert.DoesNotMatch(Deletes(), line);

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(SourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(SourceRoot, file).Split(Path.DirectorySeparatorChar).Intersect(["bin", "obj", "Migrations"]).Any());

    private static string SourceRoot { get; } = Path.Combine(Docs.DocText.Root, "src");

    [GeneratedRegex(@"(?i)\bdelete\s+from\s+(deposits|proofs|payouts)\b|\b(Deposits|Proofs|Payouts)\b[^;]*\.(ExecuteDelete(Async)?|Remove|RemoveRange)\(")]
    private static partial Regex Deletes();
}

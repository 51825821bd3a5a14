using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Tests.Architecture;

/// <summary>
/// The ops endpoints sit together under /api/ops, but each capability owns its reads: Ops/ calls the
/// capability's queries (DepositQueries, PostbackQueries, EventQueries…) and touches no table but its own
/// ops_actions, neither through the DbContext nor in SQL. Then a column or an index a capability changes
/// has one place of reads to look at. The scan reads the source of src/…/Ops.
/// </summary>
public sealed partial class OpsReadsTests
{
    private static readonly Lazy<Boundary> Model = new(() =>
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        var foreign = db.Model.GetEntityTypes().Where(e => !IsOps(e.ClrType)).ToList();
        return new Boundary(
            Sets: typeof(MerchantDbContext).GetProperties()
                .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>))
                .Where(p => !IsOps(p.PropertyType.GetGenericArguments()[0]))
                .Select(p => p.Name).ToHashSet(StringComparer.Ordinal),
            Entities: foreign.Select(e => e.ClrType.Name).ToHashSet(StringComparer.Ordinal),
            Tables: foreign.Select(e => e.GetTableName()!).ToHashSet(StringComparer.Ordinal));
    });

    /// <summary>What Ops must not read: the other capabilities' DbSet properties, entity types and tables.</summary>
    private sealed record Boundary(IReadOnlySet<string> Sets, IReadOnlySet<string> Entities, IReadOnlySet<string> Tables);

    [Fact]
    public void Ops_endpoints_read_other_capabilities_only_through_their_queries()
    {
        var found = Directory.EnumerateFiles(OpsFolder, "*.cs", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .SelectMany(file => ForeignReads(File.ReadAllText(file))
                .Select(read => $"{Path.GetRelativePath(OpsFolder, file)}:{read.Line}: {read.What} (call the capability's …Queries)"))
            .ToList();
        Assert.True(found.Count == 0, "Ops/ reads another capability's tables itself:\n" + string.Join('\n', found));
    }

    [Fact]
    public void The_boundary_is_every_table_but_ops_actions()
    {
        Assert.Contains("Postbacks", Model.Value.Sets);
        Assert.Contains("OutboxEvents", Model.Value.Sets);
        Assert.DoesNotContain("OpsActions", Model.Value.Sets);
        Assert.Contains("DepositChange", Model.Value.Entities);
        Assert.Contains("gateway_transactions", Model.Value.Tables);
        Assert.DoesNotContain("ops_actions", Model.Value.Tables);
        Assert.True(Directory.EnumerateFiles(OpsFolder, "*Api.cs").Count() >= 5, $"No ops endpoints found under {OpsFolder}.");
    }

    [Theory]
    [InlineData("Results> Get(MerchantDbContext db) { var p = await db.Postbacks.AsNoTracking().SingleAsync(); }", "db.Postbacks")]
    [InlineData("Task List(Guid id, MerchantDbContext context, CancellationToken ct) => context\n    .GatewayTransactions.Where(t => t.Id == id);", "context.GatewayTransactions")]
    [InlineData("sealed class X(MerchantDbContext db) { Task F() => db.OutboxEvents.ToListAsync(); }", "db.OutboxEvents")]
    [InlineData("var changes = db.Set<DepositChange>();", "Set<DepositChange>")]
    [InlineData("const string Sql = \"SELECT count(*) FROM payouts WHERE label = $1\";", "FROM payouts")]
    [InlineData("        LEFT JOIN gateway_transactions t ON t.deposit_id = d.id", "JOIN gateway_transactions")]
    [InlineData("UPDATE proofs SET attempts = 0", "UPDATE proofs")]
    public void The_scan_finds_a_read_of_another_capability_in_ef_core_and_in_sql(string source, string expected) =>
        Assert.Equal([expected], ForeignReads(source).Select(r => r.What));

    [Theory]
    [InlineData("Results> Get(MerchantDbContext db) { var a = await db.OpsActions.AsNoTracking().ToListAsync(); }")]
    [InlineData("Results> Get(MerchantDbContext db) => await PostbackQueries.ListAsync(db, filter, page, pageSize, ct);")]
    [InlineData("using Paykassma.Merchant.Api.Deposits;")]
    [InlineData("public const int MaxReasonLength = Payouts.PayoutRules.MaxReasonLength;")]
    [InlineData("    INSERT INTO ops_actions (at, actor, action) SELECT $1, $2, $3 FROM {changed} c")]
    [InlineData("Results> Get(MerchantDbContext db) { } // db.Postbacks is PostbackQueries' to read")]
    [InlineData("/// <summary>Reads nothing FROM payouts itself.</summary>")]
    public void Ops_own_reads_and_calls_to_queries_pass(string source) => Assert.Empty(ForeignReads(source));

    /// <summary>
    /// Each read of another capability's data in <paramref name="source"/>: a DbSet of theirs on a
    /// MerchantDbContext declared in it, <c>Set&lt;TheirEntity&gt;</c>, or SQL naming their table.
    /// Comments are left out.
    /// </summary>
    private static IEnumerable<(int Line, string What)> ForeignReads(string source)
    {
        var code = string.Join('\n', source.Split('\n').Select(line =>
            line.TrimStart().StartsWith("//", StringComparison.Ordinal) ? "" : TrailingComment().Replace(line, "")));
        var boundary = Model.Value;
        var contexts = ContextDeclaration().Matches(code).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        foreach (Match m in MemberAccess().Matches(code))
        {
            if (contexts.Contains(m.Groups[1].Value) && boundary.Sets.Contains(m.Groups[2].Value))
            {
                yield return (LineOf(code, m.Index), $"{m.Groups[1].Value}.{m.Groups[2].Value}");
            }
        }
        foreach (Match m in GenericSet().Matches(code))
        {
            if (boundary.Entities.Contains(m.Groups[1].Value))
            {
                yield return (LineOf(code, m.Index), $"Set<{m.Groups[1].Value}>");
            }
        }
        foreach (Match m in SqlTable().Matches(code))
        {
            if (boundary.Tables.Contains(m.Groups[2].Value))
            {
                yield return (LineOf(code, m.Index), $"{m.Groups[1].Value} {m.Groups[2].Value}");
            }
        }
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    private static bool IsOps(Type type) => type.Namespace == typeof(OpsAction).Namespace;

    private static string OpsFolder { get; } = Path.Combine(Docs.DocText.Root, "src", "Paykassma.Merchant.Api", "Ops");

    // A parameter, field or primary constructor parameter of the context's type: the names its sets are read through.
    [GeneratedRegex(@"\bMerchantDbContext\s+(\w+)")]
    private static partial Regex ContextDeclaration();

    // The member is looked ahead at, not taken: in a.b.c, b is also the receiver of c.
    [GeneratedRegex(@"\b(\w+)\s*\.\s*(?=(\w+)\b)")]
    private static partial Regex MemberAccess();

    [GeneratedRegex(@"\bSet\s*<\s*(?:[\w.]+\.)?(\w+)\s*>")]
    private static partial Regex GenericSet();

    // SQL as the statements are written: keywords in capitals, the table after them.
    [GeneratedRegex(@"\b(FROM|JOIN|INTO|UPDATE)\s+(\w+)")]
    private static partial Regex SqlTable();

    // A comment after code on the same line; "://" (a URL in a string) is not one.
    [GeneratedRegex(@"(?<![:""])//\s.*$")]
    private static partial Regex TrailingComment();
}

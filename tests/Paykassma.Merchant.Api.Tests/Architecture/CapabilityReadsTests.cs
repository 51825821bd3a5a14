using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Tests.Architecture;

/// <summary>
/// Each capability owns its reads, so that a column or an index a capability changes has one place of
/// reads to look at. The rule, checked on the source of every folder of src/Paykassma.Merchant.Api:
/// <list type="bullet">
/// <item>Through EF Core, a file in folder X reads only X's own entities: the DbSet properties and
/// <c>Set&lt;T&gt;</c> of entity types declared in X's namespace. Another capability's rows come from
/// that capability's queries (ProofQueries, PostbackQueries, OpsActionsApi.OnAsync…).</item>
/// <item>In SQL, a statement may join other capabilities' tables: one statement deciding on several
/// tables is by design (ADR 0001: the postback's statement matches deposits and payouts; Attention and
/// Reconciliation are views of many tables). Only Ops/, which has no statement of its own but the audit,
/// names no table but ops_actions in SQL either.</item>
/// <item>Persistence/ (the DbContext, configurations and migrations describe every table) is left out,
/// and <see cref="Allowed"/> lists the few deliberate one-query reads across a boundary, each with why.</item>
/// </list>
/// Comments are left out of the scan.
/// </summary>
public sealed partial class CapabilityReadsTests
{
    /// <summary>Deliberate EF reads of another capability's set: (folder, set or entity) and why.</summary>
    private static readonly Dictionary<(string Folder, string Read), string> Allowed = new()
    {
        // The stream's start reads the deposit's state and its latest change in one query, so that no
        // change commits between two reads; LiveStatus is the deposit's status, live.
        [("LiveStatus", "Deposits")] = "the deposit and its latest change in one query",
    };

    private static readonly Lazy<Ownership> Model = new(() =>
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        var entities = db.Model.GetEntityTypes().ToList();
        return new Ownership(
            Sets: typeof(MerchantDbContext).GetProperties()
                .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>))
                .ToDictionary(p => p.Name, p => Capability(p.PropertyType.GetGenericArguments()[0]), StringComparer.Ordinal),
            Entities: entities.ToDictionary(e => e.ClrType.Name, e => Capability(e.ClrType), StringComparer.Ordinal),
            Tables: entities.ToDictionary(e => e.GetTableName()!, e => Capability(e.ClrType), StringComparer.Ordinal));
    });

    /// <summary>Which capability (folder) owns each DbSet property, entity type and table.</summary>
    private sealed record Ownership(
        IReadOnlyDictionary<string, string> Sets, IReadOnlyDictionary<string, string> Entities, IReadOnlyDictionary<string, string> Tables);

    [Fact]
    public void Each_capability_reads_another_capabilitys_entities_only_through_its_queries()
    {
        var found = Directory.EnumerateDirectories(SourceRoot)
            .Select(Path.GetFileName)
            .Where(folder => folder is not ("Persistence" or "bin" or "obj" or "Properties"))
            .Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(SourceRoot, folder!), "*.cs", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .SelectMany(file => ForeignReads(File.ReadAllText(file), folder!)
                    .Select(read => $"{Path.GetRelativePath(SourceRoot, file)}:{read.Line}: {read.What} (call the owner's …Queries)")))
            .ToList();
        Assert.True(found.Count == 0, "A capability reads another's tables itself:\n" + string.Join('\n', found));
    }

    [Fact]
    public void Every_table_has_an_owning_capability_and_ops_owns_only_ops_actions()
    {
        Assert.Equal("Postbacks", Model.Value.Sets["Postbacks"]);
        Assert.Equal("Postbacks", Model.Value.Sets["GatewayTransactions"]);
        Assert.Equal("Events", Model.Value.Sets["OutboxEvents"]);
        Assert.Equal("Ops", Model.Value.Sets["OpsActions"]);
        Assert.Equal("Proofs", Model.Value.Sets["ProofScreenshots"]);
        Assert.Equal("LiveStatus", Model.Value.Entities["DepositChange"]);
        Assert.Equal(["ops_actions"], Model.Value.Tables.Where(t => t.Value == "Ops").Select(t => t.Key));
        Assert.True(Directory.EnumerateFiles(Path.Combine(SourceRoot, "Ops"), "*Api.cs").Count() >= 5, $"No ops endpoints found under {SourceRoot}/Ops.");
        Assert.All(Model.Value.Sets.Values.Concat(Model.Value.Tables.Values),
            owner => Assert.True(Directory.Exists(Path.Combine(SourceRoot, owner)), $"{owner} is not a folder of {SourceRoot}"));
    }

    [Theory]
    [InlineData("Ops", "Results> Get(MerchantDbContext db) { var p = await db.Postbacks.AsNoTracking().SingleAsync(); }", "db.Postbacks")]
    [InlineData("Ops", "Task List(Guid id, MerchantDbContext context, CancellationToken ct) => context\n    .GatewayTransactions.Where(t => t.Id == id);", "context.GatewayTransactions")]
    [InlineData("Ops", "sealed class X(MerchantDbContext db) { Task F() => db.OutboxEvents.ToListAsync(); }", "db.OutboxEvents")]
    [InlineData("Ops", "var changes = db.Set<DepositChange>();", "Set<DepositChange>")]
    [InlineData("Ops", "const string Sql = \"SELECT count(*) FROM payouts WHERE label = $1\";", "FROM payouts")]
    [InlineData("Ops", "        LEFT JOIN gateway_transactions t ON t.deposit_id = d.id", "JOIN gateway_transactions")]
    [InlineData("Ops", "UPDATE proofs SET attempts = 0", "UPDATE proofs")]
    [InlineData("Payouts", "sealed class S(MerchantDbContext db) { Task F() => db.OpsActions.Where(a => a.SubjectId == id).ToListAsync(); }", "db.OpsActions")]
    [InlineData("Payouts", "sealed class S(MerchantDbContext db) { Task F() => db.GatewayTransactions.Where(t => t.PayoutId == id).ToListAsync(); }", "db.GatewayTransactions")]
    [InlineData("Deposits", "Task G(Guid id, MerchantDbContext db) => db.Proofs.AsNoTracking().Where(p => p.DepositId == id).ToListAsync();", "db.Proofs")]
    [InlineData("Proofs", "Task G(MerchantDbContext db) => db.Set<Deposit>().ToListAsync();", "Set<Deposit>")]
    [InlineData("LiveStatus", "Task G(MerchantDbContext db) => db.Proofs.ToListAsync();", "db.Proofs")]
    public void The_scan_finds_a_read_of_another_capability(string folder, string source, string expected) =>
        Assert.Equal([expected], ForeignReads(source, folder).Select(r => r.What));

    [Theory]
    [InlineData("Ops", "Results> Get(MerchantDbContext db) { var a = await db.OpsActions.AsNoTracking().ToListAsync(); }")]
    [InlineData("Ops", "Results> Get(MerchantDbContext db) => await PostbackQueries.ListAsync(db, filter, page, pageSize, ct);")]
    [InlineData("Ops", "using Paykassma.Merchant.Api.Deposits;")]
    [InlineData("Ops", "public const int MaxReasonLength = Payouts.PayoutRules.MaxReasonLength;")]
    [InlineData("Ops", "    INSERT INTO ops_actions (at, actor, action) SELECT $1, $2, $3 FROM {changed} c")]
    [InlineData("Ops", "Results> Get(MerchantDbContext db) { } // db.Postbacks is PostbackQueries' to read")]
    [InlineData("Ops", "/// <summary>Reads nothing FROM payouts itself.</summary>")]
    [InlineData("Proofs", "Task G(MerchantDbContext db) => db.Proofs.Join(db.ProofScreenshots, p => p.Id, s => s.ProofId, (p, s) => s).ToListAsync();")]
    [InlineData("Deposits", "Task G(MerchantDbContext db) => db.DepositIdempotencyKeys.ToListAsync();")]
    [InlineData("Payouts", "Task G(MerchantDbContext db) => PostbackQueries.OfPayoutAsync(db, id, ct);")]
    // One statement across tables is by design outside Ops/ (ADR 0001).
    [InlineData("Postbacks", "        LEFT JOIN payouts p ON p.withdrawal_id = t.withdrawal_id")]
    [InlineData("LiveStatus", "Task G(MerchantDbContext db) => db.Deposits.Where(d => d.Id == id).SingleAsync();")]
    public void Own_reads_calls_to_queries_and_statements_outside_ops_pass(string folder, string source) =>
        Assert.Empty(ForeignReads(source, folder));

    /// <summary>
    /// Each read in <paramref name="source"/>, a file of <paramref name="folder"/>, of another capability's
    /// data: a DbSet of theirs on a MerchantDbContext declared in it, <c>Set&lt;TheirEntity&gt;</c>, or
    /// (in Ops/ only) SQL naming their table. Comments are left out.
    /// </summary>
    private static IEnumerable<(int Line, string What)> ForeignReads(string source, string folder)
    {
        var code = string.Join('\n', source.Split('\n').Select(line =>
            line.TrimStart().StartsWith("//", StringComparison.Ordinal) ? "" : TrailingComment().Replace(line, "")));
        var owners = Model.Value;
        var contexts = ContextDeclaration().Matches(code).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        foreach (Match m in MemberAccess().Matches(code))
        {
            if (contexts.Contains(m.Groups[1].Value) && Foreign(owners.Sets, m.Groups[2].Value, folder))
            {
                yield return (LineOf(code, m.Index), $"{m.Groups[1].Value}.{m.Groups[2].Value}");
            }
        }
        foreach (Match m in GenericSet().Matches(code))
        {
            if (Foreign(owners.Entities, m.Groups[1].Value, folder))
            {
                yield return (LineOf(code, m.Index), $"Set<{m.Groups[1].Value}>");
            }
        }
        if (folder != "Ops")
        {
            yield break;
        }
        foreach (Match m in SqlTable().Matches(code))
        {
            if (Foreign(owners.Tables, m.Groups[2].Value, folder))
            {
                yield return (LineOf(code, m.Index), $"{m.Groups[1].Value} {m.Groups[2].Value}");
            }
        }
    }

    private static bool Foreign(IReadOnlyDictionary<string, string> owners, string name, string folder) =>
        owners.TryGetValue(name, out var owner) && owner != folder && !Allowed.ContainsKey((folder, name));

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    /// <summary>The capability of a type: the folder its namespace names (Paykassma.Merchant.Api.X).</summary>
    private static string Capability(Type type) =>
        type.Namespace!.Split('.') is [_, _, _, var folder, ..] ? folder : throw new InvalidOperationException($"{type} is in no capability's namespace.");

    private static string SourceRoot { get; } = Path.Combine(Docs.DocText.Root, "src", "Paykassma.Merchant.Api");

    // A parameter, field, primary constructor parameter or local of the context's type: the names its sets are read through.
    [GeneratedRegex(@"\bMerchantDbContext\s+(?<name>\w+)|\b(?<name>\w+)\s*=\s*[\w.]*GetRequiredService<MerchantDbContext>")]
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

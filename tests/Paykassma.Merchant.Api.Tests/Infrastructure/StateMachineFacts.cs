using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>What a state machine table is checked against: the schema's model and the documented lifecycle (docs/api.md).</summary>
internal static partial class StateMachineFacts
{
    private static readonly Lazy<IModel> DesignModel = new(() =>
    {
        // The design-time model: check constraints and index filters are not kept in the runtime one.
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        return db.GetService<IDesignTimeModel>().Model;
    });

    /// <summary>The quoted values a check constraint admits (<c>status IN ('a', 'b')</c>).</summary>
    public static string[] CheckConstraintValues<TEntity>(string constraintName) =>
        Quoted().Matches(DesignModel.Value.FindEntityType(typeof(TEntity))!.GetCheckConstraints()
                .Single(c => c.Name == constraintName).Sql)
            .Select(m => m.Groups[1].Value).ToArray();

    public static string IndexFilter<TEntity>(string indexName) =>
        DesignModel.Value.FindEntityType(typeof(TEntity))!.GetIndexes().Single(i => i.GetDatabaseName() == indexName).GetFilter()!;

    /// <summary>
    /// The statuses of one lifecycle chain of docs/api.md (its first sentence starting with
    /// <paramref name="start"/>), one set per step between arrows; steps without a status ("…") are left out.
    /// </summary>
    public static IReadOnlyList<string[]> ReadmeSteps(string start)
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "docs", "api.md"));
        var section = readme[readme.IndexOf("## Lifecycle", StringComparison.Ordinal)..];
        var paragraph = section[section.IndexOf(start, StringComparison.Ordinal)..];
        var sentence = SentenceEnd().Match(paragraph);
        return paragraph[..sentence.Index].Split('→')
            .Select(step => Backticked().Matches(step).Select(m => m.Groups[1].Value).ToArray())
            .Where(statuses => statuses.Length > 0)
            .ToList();
    }

    /// <summary>Every move has a row, and every status is some move's start or end.</summary>
    public static void AssertComplete<TStatus, TMove>(StatusMachine<TStatus, TMove> machine)
        where TStatus : struct, Enum where TMove : struct, Enum
    {
        Assert.Equal(Enum.GetValues<TMove>().Order(), machine.All.Keys.Order());
        var used = machine.All.Values.SelectMany(m => m.From.Append(m.To)).ToHashSet();
        Assert.All(Enum.GetValues<TStatus>(), status => Assert.Contains(status, used));
    }

    /// <summary>The status values the machine's SQL lists and literals name, unquoted.</summary>
    public static string[] EmittedValues<TStatus, TMove>(StatusMachine<TStatus, TMove> machine)
        where TStatus : struct, Enum where TMove : struct, Enum =>
        machine.All.Keys
            .SelectMany(move => new[] { machine.SqlFrom(move), machine.SqlNotFrom(move), machine.SqlTo(move) })
            .SelectMany(sql => Quoted().Matches(sql).Select(m => m.Groups[1].Value))
            .Distinct().Order().ToArray();

    /// <summary>Every status reachable from <paramref name="from"/> in one or more moves.</summary>
    public static HashSet<TStatus> Reachable<TStatus, TMove>(StatusMachine<TStatus, TMove> machine, TStatus from)
        where TStatus : struct, Enum where TMove : struct, Enum
    {
        var seen = new HashSet<TStatus>();
        var next = new Queue<TStatus>([from]);
        while (next.TryDequeue(out var status))
        {
            foreach (var to in Enum.GetValues<TStatus>().Where(to => machine.Allows(status, to) && seen.Add(to)))
            {
                next.Enqueue(to);
            }
        }
        return seen;
    }

    [GeneratedRegex("'([a-z_]+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\.\s")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex Backticked();
}

using System.Globalization;
using System.Text.Json;
using Paykassma.Merchant.Api.Ops;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>
/// One kind of the attention list: which rows of one table are stuck, since when, what money is at
/// stake, what a person reads and which calls settle it. The list, the counts, the gauge, the mark
/// statement and the kind's own partial index are all generated from this (<see cref="AttentionSql"/>),
/// so adding a kind is one entry in <see cref="AttentionKinds.All"/>.
/// </summary>
internal sealed record AttentionKindSpec
{
    public required AttentionKind Kind { get; init; }

    /// <summary>What the entry's <c>subjectId</c> is, and what the seen mark's audit row is about.</summary>
    public required OpsSubjectType Subject { get; init; }

    /// <summary>The subject's table; its rows carry the seen mark (<c>attention_seen_since</c>).</summary>
    public required string Table { get; init; }

    /// <summary>
    /// The stuck rows, without parameters, given the alias prefix (<c>"s."</c> in statements, <c>""</c>
    /// in the index filter): the same text in both, so the planner can prove the partial index applies.
    /// </summary>
    public required Func<string, string> Condition { get; init; }

    /// <summary>A further condition with a threshold parameter (<c>@unconfirmed_before</c>, <c>@approval_before</c>), or null.</summary>
    public Func<string, string>? Due { get; init; }

    /// <summary>
    /// The column of the subject's row that holds when the stuck state began (and is stable while it
    /// lasts). A new stuck state writes a new value: that is what makes a seen entry come back.
    /// </summary>
    public string? SinceColumn { get; init; }

    /// <summary>When the state began, computed (only for kinds that ride an existing index: their set is small).</summary>
    public Func<string, string>? SinceExpression { get; init; }

    /// <summary>The index that serves the candidate set (generated from this entry when <see cref="OwnIndex"/>).</summary>
    public required string Index { get; init; }

    /// <summary>
    /// True for the sets that grow while nobody acts: two indexes are generated, keyed by (since column,
    /// id), <see cref="Index"/> <c>WHERE condition AND not seen</c> and <see cref="SeenIndex"/>
    /// <c>WHERE condition AND seen</c>, so marking a row moves it from one to the other: the list and the
    /// gauge read only the unseen ones, however many were marked, and <c>?seen=true</c> only the seen ones.
    /// </summary>
    public bool OwnIndex { get; init; }

    /// <summary>The index of the kind's seen rows (only with <see cref="OwnIndex"/>).</summary>
    public string? SeenIndex => OwnIndex ? Index + "_seen" : null;

    /// <summary>Joins (aliases other than <c>s</c>) that the list's amount, currency and facts need; never the counts.</summary>
    public string Details { get; init; } = "";

    public string Amount { get; init; } = "NULL";

    public string Currency { get; init; } = "NULL";

    /// <summary>A <c>jsonb_build_object(…)</c> of what <see cref="Reason"/> and <see cref="Resolve"/> read.</summary>
    public required string Facts { get; init; }

    public required Func<AttentionFacts, string> Reason { get; init; }

    /// <summary>The calls that settle the entry, ids filled in, given its subject id and facts.</summary>
    public required Func<Guid, AttentionFacts, IReadOnlyList<AttentionCall>> Resolve { get; init; }

    public string Since(string a) => SinceColumn is { } column ? a + column : SinceExpression!(a);

    /// <summary>
    /// Not marked seen in the state it is in now (a mark covers the <c>since</c> it was made on). Written
    /// so that a row without a since (written by an older version) is listed rather than lost.
    /// </summary>
    public string Unseen(string a) => $"({a}attention_seen_since IS NULL OR {a}attention_seen_since <> {Since(a)})";

    public string SeenNow(string a) => $"{a}attention_seen_since = {Since(a)}";

    /// <summary>The stuck rows due now, given the alias prefix.</summary>
    public string Stuck(string a) => Due is null ? Condition(a) : $"{Condition(a)} AND {Due(a)}";

    /// <summary>The stuck rows, seen in the state they are in now or not.</summary>
    public string Listed(string a, bool seen) => $"{Stuck(a)} AND {(seen ? SeenNow(a) : Unseen(a))}";

    /// <summary>The filter of the kind's own partial index of its unseen (or seen) rows; null when it rides an existing one.</summary>
    public string? IndexFilter(bool seen) => OwnIndex ? $"{Condition("")} AND {(seen ? SeenNow("") : Unseen(""))}" : null;

    public string Name => Persistence.SnakeCaseEnumConverter<AttentionKind>.ToText(Kind);
}

/// <summary>An ops call that settles an entry: method, path with the ids filled in, the body it takes, and what to do.</summary>
/// <param name="Body">The JSON body to send, with a placeholder for what you write (null: none).</param>
public sealed record AttentionCall(string Method, string Path, string What, string? Body = null);

/// <summary>The facts an entry's SQL gathered (a JSON object), read by its reason and resolve.</summary>
public readonly record struct AttentionFacts(JsonElement Json)
{
    public string? Text(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    /// <summary>A number as people write it (invariant, no trailing zeros): 250, 250.5.</summary>
    public string? Number(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDecimal().ToString("0.##", CultureInfo.InvariantCulture)
            : null;

    public bool Flag(string name) => Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>An id the facts carry, for a path (an empty Guid when missing).</summary>
    public Guid Id(string name) => Guid.TryParse(Text(name), out var id) ? id : Guid.Empty;

    /// <summary>A time the facts carry, as ISO 8601 in UTC, for a reason.</summary>
    public string? Time(string name) =>
        DateTimeOffset.TryParse(Text(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : null;
}

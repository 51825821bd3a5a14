using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>
/// The attention list's SQL, generated from <see cref="AttentionKinds.All"/>: one branch per kind,
/// each on its own subject table, served by the index the kind names (its seen rows by the kind's seen
/// index). Named parameters: <c>@unconfirmed_before</c>, <c>@approval_before</c> (the thresholds),
/// <c>@window</c>, <c>@limit</c>, <c>@offset</c> (a page), <c>@subject</c>, <c>@actor</c>, <c>@note</c>,
/// <c>@now</c> (a mark).
/// </summary>
internal static class AttentionSql
{
    private const string S = "s.";

    private static readonly string SeenAction = SnakeCaseEnumConverter<OpsActionType>.SqlLiteral(OpsActionType.AttentionSeen);

    /// <summary>
    /// One row per kind (kind, count), every kind even at 0: the entries not seen (<paramref name="seen"/>
    /// false, what the gauge counts) or the ones marked seen in the state they are in.
    /// </summary>
    public static string Counts(bool seen, IEnumerable<AttentionKindSpec> kinds) => string.Join("\nUNION ALL\n", kinds.Select(k =>
        $"SELECT '{k.Name}'::text, count(*) FROM {k.Table} s WHERE {k.Listed(S, seen)}"));

    /// <summary>
    /// One page, oldest first across the kinds given: each branch reads at most <c>@window</c> rows
    /// (offset + limit) in its index's order, so a page never reads a whole set. Seen entries get who,
    /// when and why from the mark's audit row, looked up for the page's rows only. Columns: kind,
    /// subject_id, since, amount, currency, facts, seen_at, seen_by, seen_note.
    /// </summary>
    public static string Page(bool seen, IEnumerable<AttentionKindSpec> kinds) => $"""
        SELECT e.kind, e.subject_id, e.since, e.amount, e.currency, e.facts,
            {(seen ? "m.at, m.actor, m.reason" : "NULL::timestamptz, NULL::text, NULL::text")}
        FROM (
        {string.Join("\nUNION ALL\n", kinds.Select(k => $"""
            (SELECT '{k.Name}'::text AS kind, s.id AS subject_id, {k.Since(S)} AS since, ({k.Amount})::numeric AS amount,
                ({k.Currency})::text AS currency, ({k.Facts})::jsonb AS facts
             FROM {k.Table} s {k.Details}
             WHERE {k.Listed(S, seen)}
             ORDER BY 3, 2
             LIMIT @window)
            """))}
        ) AS e
        {(seen ? $"""
            LEFT JOIN LATERAL (
                SELECT a.at, a.actor, a.reason FROM ops_actions a
                WHERE a.subject_id = e.subject_id AND a.action = {SeenAction} AND a.detail ->> 'kind' = e.kind
                  AND (a.detail ->> 'since')::timestamptz = e.since
                ORDER BY a.at DESC LIMIT 1) m ON true
            """ : "")}
        ORDER BY e.since, e.kind, e.subject_id
        LIMIT @limit OFFSET @offset
        """;

    /// <summary>
    /// Marks one entry seen, in the state it is in now, and records who and why in the same statement;
    /// returns the subject's id, or no row when the subject has no unseen entry of this kind.
    /// </summary>
    public static string Mark(AttentionKindSpec kind) => $"""
        WITH marked AS (
            UPDATE {kind.Table} s SET attention_seen_since = {kind.Since(S)}
            WHERE s.id = @subject AND {kind.Listed(S, seen: false)}
            RETURNING s.id, s.attention_seen_since AS since
        ),
        {OpsAudit.Record("audited", OpsActionType.AttentionSeen, "marked", "@actor", "@note", "@now",
            $"jsonb_build_object('kind', '{kind.Name}', 'since', c.since)", kind.Subject)}
        SELECT id FROM marked
        """;
}

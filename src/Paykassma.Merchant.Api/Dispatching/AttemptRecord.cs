using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// The values every queue's recording statement is bound from: the claimed attempt (<c>id</c>,
/// <c>attempt</c>), the status its result moves to (<c>status</c>, from the queue's
/// <see cref="AttemptMoves{TStatus, TMove}"/>), what it saw (<c>message</c>, <c>error</c>,
/// <c>uncertain</c>), the next attempt's time (<c>next_attempt_at</c>, null unless a retry) and <c>now</c>.
/// </summary>
internal sealed record AttemptRecord(Guid Id, int Attempt, string Status, string? Message, string? Error, bool OutcomeUncertain,
    DateTimeOffset? NextAttemptAt, DateTimeOffset Now)
{
    public static readonly IReadOnlyDictionary<string, Func<AttemptRecord, NpgsqlParameter>> Binders =
        new Dictionary<string, Func<AttemptRecord, NpgsqlParameter>>
        {
            ["id"] = r => Bound.Value(r.Id),
            ["attempt"] = r => Bound.Value(r.Attempt),
            ["status"] = r => Bound.Value(r.Status),
            ["message"] = r => Bound.OrNull(r.Message, NpgsqlDbType.Text),
            ["error"] = r => Bound.OrNull(r.Error, NpgsqlDbType.Text),
            ["uncertain"] = r => Bound.Value(r.OutcomeUncertain),
            ["next_attempt_at"] = r => Bound.OrNull(r.NextAttemptAt, NpgsqlDbType.TimestampTz),
            ["now"] = r => Bound.Value(r.Now),
        };

    /// <summary>
    /// A recording statement of a queue: its text must return one row, one int, the number of rows it
    /// moved (0 when fenced out), and guard its update with <see cref="Fence"/>.
    /// </summary>
    public static NamedStatement<AttemptRecord> Statement(Func<StatementParameters<AttemptRecord>, string> text) =>
        NamedStatement<AttemptRecord>.Build(Binders, text);

    /// <summary>
    /// A queue's recording statement and its variant for a request that answers with the row: one text
    /// (<paramref name="move"/>: the fenced move and its side effects as CTEs, the moved row named
    /// <c>moved</c>), two answers. <c>Counting</c> returns the number of rows moved (the dispatcher's);
    /// <c>Returning</c> returns the moved row's <paramref name="columns"/> (of <c>moved</c>), no row when
    /// fenced out, so that the request need not read the row again.
    /// </summary>
    public static (NamedStatement<AttemptRecord> Counting, NamedStatement<AttemptRecord> Returning) Statements(
        Func<StatementParameters<AttemptRecord>, string> move, string columns) =>
        (Statement(p => $"{move(p)}\nSELECT count(*)::int FROM moved"), Statement(p => $"{move(p)}\nSELECT {columns} FROM moved"));

    /// <summary>
    /// The fence: only the claimant of this attempt writes its outcome, and only while the row is still
    /// claimed (<paramref name="claimed"/>), so a slow attempt never overwrites a newer one's result or a
    /// signed postback's settlement.
    /// </summary>
    public static string Fence(StatementParameters<AttemptRecord> p, string claimed) =>
        $"id = {p["id"]} AND attempts = {p["attempt"]} AND status = {claimed}";
}

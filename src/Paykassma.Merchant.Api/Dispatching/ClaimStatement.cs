using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>The values every claim is bound from.</summary>
/// <param name="AttemptLimit">The budget for a queue whose rows carry none (events: its options' MaxAttempts).</param>
internal sealed record ClaimInput(DateTimeOffset Now, DateTimeOffset LeaseEnd, int BatchSize, int AttemptLimit = 0)
{
    public static readonly IReadOnlyDictionary<string, Func<ClaimInput, NpgsqlParameter>> Binders =
        new Dictionary<string, Func<ClaimInput, NpgsqlParameter>>
        {
            ["now"] = c => Bound.Value(c.Now),
            ["lease_end"] = c => Bound.Value(c.LeaseEnd),
            ["batch_size"] = c => Bound.Value(c.BatchSize),
            ["attempt_limit"] = c => Bound.Value(c.AttemptLimit),
        };
}

/// <summary>
/// The claim, written once for every queue: one statement that takes up to a batch of due rows with
/// <c>FOR UPDATE SKIP LOCKED</c> (instances never wait on or double-take each other's rows), moves them
/// to the claimed status, bumps the attempt number (the fence of the outcome) and sets the lease
/// (<c>next_attempt_at</c>), and returns the columns the attempt needs: no second read.
/// </summary>
internal static class ClaimStatement
{
    /// <param name="table">The queue's table; the claimed row is <c>x</c> in <paramref name="set"/> and <paramref name="returning"/>.</param>
    /// <param name="claimed">The claim move's target, an SQL literal from the queue's transitions.</param>
    /// <param name="due">The claim move's from-statuses, an SQL list from the queue's transitions.</param>
    /// <param name="set">More assignments (with a leading comma), e.g. recording that a lapsed lease left the outcome unknown.</param>
    /// <param name="returning">The columns the attempt needs, with <c>attempts</c> and <c>attempt_limit</c> among them.</param>
    public static NamedStatement<ClaimInput> Build(string table, string claimed, string due,
        Func<StatementParameters<ClaimInput>, string> set, Func<StatementParameters<ClaimInput>, string> returning) =>
        NamedStatement<ClaimInput>.Build(ClaimInput.Binders, p => $"""
            UPDATE {table} AS x
            SET {Assignments(claimed, p["lease_end"])}{set(p)}
            FROM (SELECT id FROM {table}
                  WHERE status IN ({due}) AND next_attempt_at <= {p["now"]}
                  ORDER BY next_attempt_at
                  LIMIT {p["batch_size"]}
                  FOR UPDATE SKIP LOCKED) AS due
            WHERE x.id = due.id
            RETURNING {returning(p)}
            """);

    /// <summary>
    /// What a claim writes on the claimed row <c>x</c>: the claimed status, the next attempt number (the
    /// fence of its outcome) and the lease. A statement that makes a row due for its own request's attempt
    /// (a payout's approval or ops retry) claims it with these same assignments, so that the request's
    /// attempt is recorded, fenced and taken over after a lapsed lease like any other.
    /// </summary>
    public static string Assignments(string claimed, string leaseEnd) =>
        $"status = {claimed}, attempts = x.attempts + 1, next_attempt_at = {leaseEnd}";
}

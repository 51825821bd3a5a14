using System.Diagnostics.Metrics;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Observability;

/// <summary>
/// A capability's database-wide gauges: the statements it adds to each sampling round's one batch, how
/// it reads their answers, and the instruments that show the values. <see cref="QueueSnapshot"/> runs the
/// rounds; the capability knows its tables, its statuses (from its transitions) and its indexes.
/// </summary>
public interface IGaugeSource
{
    /// <summary>Adds this source's statements to the round's batch; their answers come back in this order.</summary>
    void AddTo(NpgsqlBatch batch, DateTimeOffset now);

    /// <summary>Reads the answers of its statements: the reader stands on the first, and is left on the last.</summary>
    Task ReadAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Creates its observable instruments on the service's meter.</summary>
    void Register(Meter meter);
}

/// <summary>
/// The shapes the gauge sources share. A count stops at Metrics:CountLimit (<c>$1</c>, bound by
/// <see cref="Command"/>): a backlog grows exactly when something downstream is down (the outbox in a
/// ledger outage), and counting it whole every round cost a database backend 100-330 ms with 30-100 000
/// rows, landing on the postback path. A gauge at the limit means "at least that many"; the oldest
/// row's age, which the alerts read, stays exact and costs one index entry per status.
/// </summary>
public static class GaugeSql
{
    /// <summary>
    /// How many rows are in <paramref name="statuses"/>, counted up to the limit: each status's rows in
    /// creation order from the (status, created_at) index, all of them together stopping at the limit.
    /// The order is what keeps the planner on that index: without it, when most of a table is counted
    /// (a long outage), it picks a sequential scan with a limit, which reads through every other row
    /// (the settled history) before the ones it counts.
    /// </summary>
    public static string CountUpTo<TStatus>(string table, IEnumerable<TStatus> statuses) where TStatus : struct, Enum
    {
        var perStatus = InEnumOrder(statuses)
            .Select(status => $"(SELECT 1 FROM {table} WHERE status = {SnakeCaseEnumConverter<TStatus>.SqlLiteral(status)} ORDER BY created_at LIMIT $1)")
            .ToList();
        return perStatus.Count == 1
            ? $"(SELECT count(*) FROM {perStatus[0]} AS counted)"
            : $"(SELECT count(*) FROM ({string.Join(" UNION ALL ", perStatus)} LIMIT $1) AS counted)";
    }

    /// <summary>
    /// The oldest row's creation among <paramref name="statuses"/>: the least of one min() per status,
    /// each the first entry of the table's (status, created_at) index; a min() over an IN list reads
    /// every entry of every status. Null when no row has any of them.
    /// </summary>
    public static string OldestCreated<TStatus>(string table, IEnumerable<TStatus> statuses) where TStatus : struct, Enum =>
        "LEAST(" + string.Join(", ", InEnumOrder(statuses).Select(status =>
            $"(SELECT min(created_at) FROM {table} WHERE status = {SnakeCaseEnumConverter<TStatus>.SqlLiteral(status)})")) + ")";

    /// <summary>A queue's depth, counted up to the limit, and its oldest row's creation, for the rows in <paramref name="statuses"/>.</summary>
    public static string Queue<TStatus>(string table, IEnumerable<TStatus> statuses) where TStatus : struct, Enum =>
        $"SELECT {CountUpTo(table, statuses)}, {OldestCreated(table, statuses)}";

    /// <summary>One row per status: its name and its count up to the limit (0 when none).</summary>
    public static string CountsByStatus<TStatus>(string table, IEnumerable<TStatus> statuses) where TStatus : struct, Enum =>
        string.Join("\nUNION ALL ", InEnumOrder(statuses).Select(status =>
            $"SELECT {SnakeCaseEnumConverter<TStatus>.SqlLiteral(status)} AS status, {CountUpTo(table, [status])} AS count"));

    /// <summary>A round's statement of these shapes, the count limit bound as <c>$1</c>.</summary>
    public static NpgsqlBatchCommand Command(string sql, MetricsOptions options) =>
        new(sql) { Parameters = { Bound.Value(options.CountLimit) } };

    /// <summary>Reads a <see cref="Queue"/> answer: the depth and the oldest row's age in seconds (0 when empty).</summary>
    public static async Task<(long Depth, double OldestAgeSeconds)> ReadQueueAsync(
        NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        var depth = reader.GetInt64(0);
        var oldest = await reader.IsDBNullAsync(1, cancellationToken) ? (DateTimeOffset?)null
            : await reader.GetFieldValueAsync<DateTimeOffset>(1, cancellationToken);
        return (depth, oldest is { } o ? Math.Max(0, (now - o).TotalSeconds) : 0);
    }

    /// <summary>Reads a single count.</summary>
    public static async Task<long> ReadCountAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    /// <summary>Statuses in enum order, whatever order they come in, so a statement's text never depends on a table's order.</summary>
    private static IEnumerable<TStatus> InEnumOrder<TStatus>(IEnumerable<TStatus> statuses) where TStatus : struct, Enum
    {
        var wanted = statuses.ToHashSet();
        return Enum.GetValues<TStatus>().Where(wanted.Contains);
    }
}

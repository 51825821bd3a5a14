using System.Diagnostics.Metrics;
using Npgsql;

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

/// <summary>The shapes the gauge sources share.</summary>
public static class GaugeSql
{
    /// <summary>A queue's depth and its oldest row's creation, for the rows in <paramref name="statuses"/> (an SQL list).</summary>
    public static string Queue(string table, string statuses) => $"SELECT count(*), min(created_at) FROM {table} WHERE status IN ({statuses})";

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
}

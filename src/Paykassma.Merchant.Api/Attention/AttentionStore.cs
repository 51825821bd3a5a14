using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>One entry of the list, as the SQL returned it.</summary>
public sealed record AttentionRow(
    AttentionKind Kind, Guid SubjectId, DateTimeOffset Since, decimal? Amount, string? Currency, JsonElement Facts,
    DateTimeOffset? SeenAt, string? SeenBy, string? SeenNote);

/// <summary>
/// Reads the attention list and writes its marks, with the statements <see cref="AttentionSql"/>
/// generates (each text built once per shape and kept). Reads only, but the mark: one statement that
/// marks and records who and why (ADR 0015's audit).
/// </summary>
public sealed class AttentionStore(NpgsqlDataSource dataSource, IOptions<AttentionOptions> options, TimeProvider time)
{
    private static readonly ConcurrentDictionary<(AttentionKind? Kind, bool Seen), string> Pages = new();
    private static readonly string[] CountsBySeen = [AttentionSql.Counts(false, AttentionKinds.All), AttentionSql.Counts(true, AttentionKinds.All)];
    private static readonly Dictionary<AttentionKind, string> Marks = AttentionKinds.All.ToDictionary(k => k.Kind, AttentionSql.Mark);

    /// <summary>The per-kind count of unseen entries, every kind: what the gauge reports.</summary>
    internal static string UnseenCounts => CountsBySeen[0];

    /// <summary>
    /// Adds the named parameters <paramref name="sql"/> uses (the thresholds from <paramref name="settings"/>
    /// as of <paramref name="now"/>, and the <paramref name="values"/> given), and only those.
    /// </summary>
    internal static void Bind(NpgsqlParameterCollection parameters, string sql, AttentionOptions settings, DateTimeOffset now,
        params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values.Concat([
                     ("unconfirmed_before", (object)(now - settings.ProofUnconfirmedAfter)),
                     ("approval_before", now - settings.ApprovalWaitingAfter)]))
        {
            if (sql.Contains("@" + name, StringComparison.Ordinal))
            {
                parameters.AddWithValue(name, value);
            }
        }
    }

    /// <summary>Reads the count of each kind (rows of kind, count) into a dictionary keyed by the kind's name.</summary>
    internal static async Task<Dictionary<string, long>> ReadCountsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>One page of entries (oldest first) of the kind asked for or all, and the count of every kind.</summary>
    public async Task<(IReadOnlyList<AttentionRow> Rows, IReadOnlyDictionary<string, long> Counts)> PageAsync(
        AttentionKind? kind, bool seen, int offset, int limit, CancellationToken cancellationToken)
    {
        var page = Pages.GetOrAdd((kind, seen), key =>
            AttentionSql.Page(key.Seen, key.Kind is { } only ? [AttentionKinds.Of(only)] : AttentionKinds.All));
        var counts = CountsBySeen[seen ? 1 : 0];
        var now = time.GetUtcNow();
        await using var batch = dataSource.CreateBatch();
        var countCommand = new NpgsqlBatchCommand(counts);
        Bind(countCommand.Parameters, counts, options.Value, now);
        var pageCommand = new NpgsqlBatchCommand(page);
        Bind(pageCommand.Parameters, page, options.Value, now,
            ("window", (long)offset + limit), ("limit", (long)limit), ("offset", (long)offset));
        batch.BatchCommands.Add(countCommand);
        batch.BatchCommands.Add(pageCommand);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var byKind = await ReadCountsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var rows = new List<AttentionRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            SnakeCaseEnumConverter<AttentionKind>.TryParse(reader.GetString(0), out var rowKind);
            using var facts = JsonDocument.Parse(reader.GetString(5));
            rows.Add(new AttentionRow(rowKind, reader.GetGuid(1), await reader.GetFieldValueAsync<DateTimeOffset>(2, cancellationToken),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetDecimal(3),
                await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4),
                facts.RootElement.Clone(),
                await reader.IsDBNullAsync(6, cancellationToken) ? null : await reader.GetFieldValueAsync<DateTimeOffset>(6, cancellationToken),
                await reader.IsDBNullAsync(7, cancellationToken) ? null : reader.GetString(7),
                await reader.IsDBNullAsync(8, cancellationToken) ? null : reader.GetString(8)));
        }
        return (rows, byKind);
    }

    /// <summary>Marks the subject's entry of <paramref name="kind"/> seen, recording the actor and note; false when it has none unseen.</summary>
    public async Task<bool> MarkSeenAsync(AttentionKind kind, Guid subject, string actor, string note, CancellationToken cancellationToken)
    {
        var sql = Marks[kind];
        await using var command = dataSource.CreateCommand(sql);
        Bind(command.Parameters, sql, options.Value, time.GetUtcNow(),
            ("subject", subject), ("actor", actor), ("note", ColumnText.Fit(note, OpsAudit.MaxReasonLength)!), ("now", time.GetUtcNow()));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}

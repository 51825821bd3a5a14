using Npgsql;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>
/// Every table of the service's database as a row count and a hash of its rows, so a sweep can show
/// that nothing was inserted, changed or deleted. Rejected postbacks are the one thing a hostile
/// request may leave behind (they are kept for ops), so they are counted apart.
/// </summary>
public sealed record DatabaseFingerprint(IReadOnlyDictionary<string, (long Rows, string Hash)> Tables, long RejectedPostbacks)
{
    public static async Task<DatabaseFingerprint> TakeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new SortedDictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var key = name == "postbacks" ? "postbacks (outcome <> 'rejected')" : name;
            var filter = name == "postbacks" ? "WHERE t.outcome <> 'rejected'" : "";
            await using var command = new NpgsqlCommand(
                $"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM \"{name}\" t {filter}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            tables[key] = (reader.GetInt64(0), reader.GetString(1));
        }

        await using var rejected = new NpgsqlCommand("SELECT count(*) FROM postbacks WHERE outcome = 'rejected'", connection);
        return new DatabaseFingerprint(tables, (long)(await rejected.ExecuteScalarAsync())!);
    }

    /// <summary>What differs from <paramref name="before"/>, one line per table; empty when nothing does.</summary>
    public IReadOnlyList<string> ChangesSince(DatabaseFingerprint before) =>
        Tables.Keys.Union(before.Tables.Keys).Order(StringComparer.Ordinal)
            .Where(t => !Tables.TryGetValue(t, out var now) || !before.Tables.TryGetValue(t, out var then) || now != then)
            .Select(t => $"{t}: {Describe(before.Tables, t)} -> {Describe(Tables, t)}")
            .ToList();

    private static string Describe(IReadOnlyDictionary<string, (long Rows, string Hash)> tables, string table) =>
        tables.TryGetValue(table, out var state) ? $"{state.Rows} rows (hash {state.Hash[..Math.Min(8, state.Hash.Length)]})" : "missing";
}

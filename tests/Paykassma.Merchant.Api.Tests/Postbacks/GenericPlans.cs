using Npgsql;
using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>The plan each pooled connection keeps for a postback statement: prepared once, generic.</summary>
internal static class GenericPlans
{
    public static async Task<string> ExplainAsync(string connectionString, PostbackStatement statement)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var names = statement.Parameters.Names;
        // The body is bytea; PostgreSQL infers every other type from the statement.
        var types = names.Select(name => name == "body" ? "bytea" : "unknown");
        foreach (var setup in new[]
        {
            "SET plan_cache_mode = force_generic_plan",
            $"PREPARE explained ({string.Join(", ", types)}) AS {statement.Text}",
        })
        {
            await using var command = new NpgsqlCommand(setup, connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE explained({string.Join(", ", names.Select(_ => "NULL"))})", connection);
        var plan = new System.Text.StringBuilder();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetString(0));
            }
        }
        return plan.ToString();
    }
}

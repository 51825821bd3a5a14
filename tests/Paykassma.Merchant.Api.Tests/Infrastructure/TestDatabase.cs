using Npgsql;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL that tests use: the one ./test.sh started (MERCHANT_TEST_POSTGRES), or, when a
/// developer runs `dotnet test` alone, a cluster this process starts and stops itself. Every
/// fixture gets a database of its own, so fixtures never see each other's rows.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<string>> Server = new(StartAsync);
    private static PostgresCluster? _ownCluster;

    public static Task<string> ServerConnectionStringAsync() => Server.Value;

    public static async Task<string> CreateDatabaseAsync(string? serverConnectionString = null)
    {
        serverConnectionString ??= await ServerConnectionStringAsync();
        var name = "merchant_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(serverConnectionString + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return serverConnectionString + ";Database=" + name;
    }

    private static async Task<string> StartAsync()
    {
        var fromScript = Environment.GetEnvironmentVariable("MERCHANT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(fromScript))
        {
            return fromScript;
        }

        _ownCluster = await PostgresCluster.CreateAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _ownCluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return _ownCluster.ConnectionString;
    }
}

using Npgsql;

namespace Paykassma.Tests.Shared;

/// <summary>
/// A throwaway PostgreSQL cluster of the test's own, from the OS packages (./test.sh installs them;
/// scripts/lib/postgres.sh is the shell side of the same), that a test stops and starts: database
/// outages, crash drills, or a developer's plain <c>dotnet test</c>. As root the server runs as the
/// <c>postgres</c> user, as the scripts do. Optionally the application roles must log in with a
/// password, so a password is a real secret in play.
/// </summary>
/// <remarks>
/// <c>synchronous_commit</c> stays on: these clusters are stopped abruptly, and "ok" must mean
/// committed. <c>fsync</c> is off for speed; that only matters if the machine loses power, which no
/// test does: an immediate stop kills the server, and the WAL it wrote is still in the OS cache.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _bin;
    private readonly bool _ownsDirectory;

    private PostgresCluster(string directory, string bin, int port, bool ownsDirectory)
    {
        _directory = directory;
        _bin = bin;
        _ownsDirectory = ownsDirectory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The superuser with a pool, for the service under test (as ./test.sh's MERCHANT_TEST_POSTGRES, no database named).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Pooling=true;Timeout=5;Command Timeout=15";

    /// <summary>The superuser, trusted on loopback, unpooled: the test's own view of the data.</summary>
    public string AdminConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false;Timeout=5;Command Timeout=30";

    /// <summary>
    /// Creates and starts a cluster in <paramref name="parentDirectory"/>/pg (left to its owner to delete)
    /// or, without one, in a temporary folder deleted on dispose. With <paramref name="passwordsForApps"/>
    /// every role but the superuser must log in with its password.
    /// </summary>
    public static async Task<PostgresCluster> CreateAsync(string? parentDirectory = null, bool passwordsForApps = false)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL server binaries are missing: run ./test.sh once, which installs them.");
        }
        string directory;
        if (parentDirectory is null)
        {
            directory = Directory.CreateTempSubdirectory("merchant-test-pg-").FullName;
            await OsProcesses.RunAsync("chmod", "755", directory);
        }
        else
        {
            directory = Path.Combine(parentDirectory, "pg");
            Directory.CreateDirectory(directory);
            await OsProcesses.RunAsync("chmod", "755", parentDirectory);
            await OsProcesses.RunAsync("chmod", "700", directory);
        }
        var cluster = new PostgresCluster(directory, bin, OsProcesses.FreePort(), ownsDirectory: parentDirectory is null);
        if (OsProcesses.IsRoot)
        {
            await OsProcesses.RunAsync("chown", "postgres:postgres", directory);
        }
        await OsProcesses.RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", cluster.DataDirectory, "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        if (passwordsForApps)
        {
            // Loopback: the superuser is trusted (the test's own queries), every other role needs its password.
            var hba = Path.Combine(cluster.DataDirectory, "pg_hba.conf");
            await File.WriteAllTextAsync(hba, """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256

                """);
            if (OsProcesses.IsRoot)
            {
                await OsProcesses.RunAsync("chown", "postgres:postgres", hba);
            }
        }
        await cluster.StartAsync();
        return cluster;
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    public Task StartAsync() => OsProcesses.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory,
        "-l", Path.Combine(_directory, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c max_connections=200",
        "start");

    /// <summary><c>immediate</c>: the server dies as in a crash (recovery at the next start); <c>fast</c>: sessions are ended first.</summary>
    public Task StopAsync(string mode = "immediate") =>
        OsProcesses.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", mode, "-w", "-t", "60", "stop");

    /// <summary>A database owned by a login role with this password (created if missing).</summary>
    public async Task<string> CreateDatabaseAsync(string database, string role, string password)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync();
        // DDL takes no parameters; the values are the test's own constants, quoted as literals.
        await using (var create = new NpgsqlCommand(
            $"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var createDatabase = new NpgsqlCommand($"CREATE DATABASE \"{database}\" OWNER \"{role}\"", connection))
        {
            await createDatabase.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = role,
            Password = password,
            Timeout = 5,
            CommandTimeout = 15,
        }.ConnectionString;
    }

    public async Task<T> QueryAsync<T>(string database, string sql, Func<NpgsqlDataReader, Task<T>> read, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await using var reader = await command.ExecuteReaderAsync();
        return await read(reader);
    }

    public Task<long> CountAsync(string database, string sql, params object[] parameters) =>
        QueryAsync(database, sql, async reader =>
        {
            await reader.ReadAsync();
            return reader.GetInt64(0);
        }, parameters);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Stopped already.
        }
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the OS to clean: a test must not fail over its scratch folder.
            }
        }
    }
}

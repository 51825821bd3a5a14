using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of our own under /tmp, from the OS packages, that a test can stop and start
/// (database outage drills). As root the server runs as the <c>postgres</c> user, as the scripts do.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _bin;

    private PostgresCluster(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Pooling=true;Timeout=5;Command Timeout=15";

    public static async Task<PostgresCluster> CreateAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                      .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
                  ?? throw new InvalidOperationException("PostgreSQL server binaries are missing: run ./test.sh, which installs them.");
        var directory = Directory.CreateTempSubdirectory("merchant-test-pg-").FullName;
        var cluster = new PostgresCluster(directory, bin, OsProcesses.FreePort());
        await OsProcesses.RunAsync("chmod", "755", directory);
        if (OsProcesses.IsRoot)
        {
            await OsProcesses.RunAsync("chown", "postgres:postgres", directory);
        }
        await OsProcesses.RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", cluster.DataDirectory, "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await cluster.StartAsync();
        return cluster;
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    // synchronous_commit stays on: these clusters are stopped abruptly, and "ok" must mean committed.
    public Task StartAsync() => OsProcesses.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory,
        "-l", Path.Combine(_directory, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c max_connections=200",
        "start");

    public Task StopAsync() => OsProcesses.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await OsProcesses.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
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

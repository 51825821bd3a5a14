using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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
        var cluster = new PostgresCluster(directory, bin, FreePort());
        await RunAsync("chmod", "755", directory);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", directory);
        }
        await cluster.AsOwnerAsync(Path.Combine(bin, "initdb"), "-D", cluster.DataDirectory, "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await cluster.StartAsync();
        return cluster;
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    private static bool IsRoot => Environment.UserName == "root";

    // synchronous_commit stays on: these clusters are stopped abruptly, and "ok" must mean committed.
    public Task StartAsync() => AsOwnerAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory,
        "-l", Path.Combine(_directory, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c max_connections=200",
        "start");

    public Task StopAsync() => AsOwnerAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsOwnerAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task AsOwnerAsync(string program, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

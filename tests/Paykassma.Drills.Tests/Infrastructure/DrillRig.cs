using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>
/// Everything one drill runs: a PostgreSQL cluster of its own with the service's database (owned by
/// a password-protected role), the service, optionally the sandbox gateway, all as child processes.
/// Disposing it kills every process it started, whatever state the drill left them in. Logs stay in
/// <see cref="Directory"/> (/tmp/paykassma-drills/…) for a person to read after a failure.
/// </summary>
public sealed class DrillRig : IAsyncDisposable
{
    public const string DatabaseName = "merchant";
    private const string DatabaseRole = "merchant_app";

    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<AppHost> _hosts = [];

    private DrillRig(string directory, ITestOutputHelper output, PostgresCluster postgres, string connectionString)
    {
        Directory = directory;
        _output = output;
        Postgres = postgres;
        ConnectionString = connectionString;
    }

    public string Directory { get; }

    public PostgresCluster Postgres { get; }

    /// <summary>The service's connection string (application role, with its password).</summary>
    public string ConnectionString { get; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public static async Task<DrillRig> CreateAsync(string drill, ITestOutputHelper output)
    {
        var root = "/tmp/paykassma-drills";
        System.IO.Directory.CreateDirectory(root);
        // Only the latest run of each drill is kept.
        foreach (var old in System.IO.Directory.GetDirectories(root, drill + "-*"))
        {
            try
            {
                System.IO.Directory.Delete(old, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        var directory = Path.Combine(root, $"{drill}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        System.IO.Directory.CreateDirectory(directory);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var postgres = await PostgresCluster.CreateAsync(directory, passwordsForApps: true);
        try
        {
            var connectionString = await postgres.CreateDatabaseAsync(DatabaseName, DatabaseRole, DrillSecrets.DatabasePassword);
            var rig = new DrillRig(directory, output, postgres, connectionString);
            rig.Log($"drill {drill}: logs in {directory}, PostgreSQL on port {postgres.Port}");
            return rig;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A line in the test output, stamped with the time since the drill began, and in drill.log in
    /// the drill's folder: a passing test's output is not printed, and its numbers are the point.
    /// </summary>
    public void Log(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds.ToString("000.0", CultureInfo.InvariantCulture)}s] {message}";
        _output.WriteLine(line);
        lock (_clock)
        {
            File.AppendAllText(Path.Combine(Directory, "drill.log"), line + Environment.NewLine);
        }
    }

    /// <summary>The setting that turns group commit (Postbacks:GroupCommit, ADR 0022) on or off, whatever the default.</summary>
    public static IReadOnlyDictionary<string, string>? GroupCommit(bool enabled) =>
        new Dictionary<string, string> { ["Postbacks__GroupCommit__Enabled"] = enabled ? "true" : "false" };

    /// <summary>The merchant service, configured as in production (JSON logs), pointed at <paramref name="gatewayUrl"/>.</summary>
    public AppHost MerchantApi(string gatewayUrl, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var environment = ServiceSettings.MerchantApi(ConnectionString, gatewayUrl, DrillSecrets.Service);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return Add(new AppHost(NameFor("api"), AppBinaries.MerchantApi, port ?? OsProcesses.FreePort(), "/health/ready", environment, Directory));
    }

    /// <summary>
    /// The sandbox gateway with the service's plugin secret and postback keys, in Production (no
    /// Development defaults), sending its postbacks to <paramref name="postbackUrl"/> when given.
    /// </summary>
    public AppHost Sandbox(string? postbackUrl, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var environment = ServiceSettings.Sandbox(DrillSecrets.Service);
        // Postbacks come back quickly, so a drill's outage or kill meets resends within seconds.
        environment["Sandbox__PostbackDelaySeconds"] = "0.2";
        environment["Sandbox__PostbackFirstRetrySeconds"] = "0.2";
        environment["Sandbox__PostbackMaxRetrySeconds"] = "1";
        if (postbackUrl is not null)
        {
            environment["Sandbox__PostbackUrl"] = postbackUrl;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return Add(new AppHost(NameFor("sandbox"), AppBinaries.Sandbox, port ?? OsProcesses.FreePort(), "/health", environment, Directory));
    }

    public static HttpClient Client(AppHost host, string? bearerLabel = null, bool ops = false, TimeSpan? timeout = null,
        RecordingHandler? recorder = null)
    {
        var client = new HttpClient(recorder ?? (HttpMessageHandler)new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) },
            disposeHandler: recorder is null)
        {
            BaseAddress = new Uri(host.BaseUrl),
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
        if (bearerLabel is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DrillTokens.For(bearerLabel, ops));
        }
        return client;
    }

    public Task<long> CountAsync(string sql, params object[] parameters) => Postgres.CountAsync(DatabaseName, sql, parameters);

    /// <summary>Signed transactions in the service's database: transaction id → how many rows carry it.</summary>
    public Task<Dictionary<string, long>> StoredTransactionsAsync() =>
        Postgres.QueryAsync(DatabaseName, "SELECT transaction_id, count(*) FROM gateway_transactions GROUP BY transaction_id", async reader =>
        {
            var stored = new Dictionary<string, long>();
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = reader.GetInt64(1);
            }
            return stored;
        });

    /// <summary>How many of these transaction ids the service's database holds.</summary>
    public Task<long> CountStoredAsync(IReadOnlyCollection<string> transactionIds) =>
        CountAsync("SELECT count(DISTINCT transaction_id) FROM gateway_transactions WHERE transaction_id = ANY($1)", (object)transactionIds.ToArray());

    /// <summary>No configured secret, in any encoding, in anything any app of this drill wrote to stdout or stderr.</summary>
    public void AssertNoSecretsInOutput()
    {
        var lines = 0;
        foreach (var host in _hosts)
        {
            var output = host.AllOutput;
            lines += host.Runs.Sum(r => r.Lines.Count);
            foreach (var (name, value) in DrillSecrets.All)
            {
                foreach (var form in DrillSecrets.FormsOf(value))
                {
                    var at = output.IndexOf(form, StringComparison.OrdinalIgnoreCase);
                    Assert.True(at < 0, $"{name} appears in the output of {host.Name} (as \"{form}\"): …{Around(output, at)}…");
                }
            }
        }
        Log($"secrets: none of {DrillSecrets.All.Count} secrets (in {DrillSecrets.FormsOf(DrillSecrets.PluginSecret).Count()} encodings each) in {lines} lines of output from {_hosts.Sum(h => h.Runs.Count)} processes");
    }

    private static string Around(string text, int at) => text.Substring(Math.Max(0, at - 300), Math.Min(600, text.Length - Math.Max(0, at - 300)));

    /// <summary>"api", then "api-b", "api-c"…: each host's log files get names of their own.</summary>
    private string NameFor(string app)
    {
        var count = _hosts.Count(h => h.Name == app || h.Name.StartsWith(app + "-", StringComparison.Ordinal));
        return count == 0 ? app : $"{app}-{(char)('a' + count)}";
    }

    private AppHost Add(AppHost host)
    {
        _hosts.Add(host);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        await Postgres.DisposeAsync();
        var survivors = _hosts.SelectMany(h => h.Runs).Where(r => !r.HasExited).Select(r => r.Name).ToList();
        Log(survivors.Count == 0
            ? $"all {_hosts.Sum(h => h.Runs.Count)} child processes ended; PostgreSQL stopped"
            : $"STILL RUNNING: {string.Join(", ", survivors)}");
    }
}

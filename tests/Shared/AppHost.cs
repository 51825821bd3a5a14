using System.Diagnostics;

namespace Paykassma.Tests.Shared;

/// <summary>
/// A built app (where the tests find it: <c>AppBinaries</c>; the bench passes its own) on a fixed port
/// that a test starts, kills and starts again. Each start is a new child process with its own log
/// file; the output of all of them stays available for assertions.
/// </summary>
public sealed class AppHost : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly string _dll;
    private readonly string _readyPath;
    private readonly string _logDirectory;
    private readonly bool _captureOutput;
    private readonly List<ChildProcess> _runs = [];

    /// <param name="captureOutput">
    /// False: each run writes to this process's stdout and stderr (<see cref="ChildProcess"/>), not to a
    /// log file in <paramref name="logDirectory"/>.
    /// </param>
    public AppHost(string name, string dll, int port, string readyPath, IReadOnlyDictionary<string, string> environment, string logDirectory,
        bool captureOutput = true)
    {
        _captureOutput = captureOutput;
        Name = name;
        _dll = dll;
        Port = port;
        _readyPath = readyPath;
        Environment = new Dictionary<string, string>(environment);
        _logDirectory = logDirectory;
    }

    public string Name { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Settings (environment variables) for the next start.</summary>
    public Dictionary<string, string> Environment { get; }

    public IReadOnlyList<ChildProcess> Runs => _runs;

    public ChildProcess? Current => _runs.Count > 0 ? _runs[^1] : null;

    public bool IsRunning => Current is { HasExited: false };

    /// <summary>Everything every run of this app wrote to stdout and stderr.</summary>
    public string AllOutput => string.Join('\n', _runs.Select(r => r.Output));

    /// <summary>
    /// Starts a new process and waits until its readiness endpoint answers 200; returns how long that
    /// took. The endpoint is asked every <paramref name="pollInterval"/> (50 ms unless given; the
    /// bench, which reports that time, asks more often).
    /// </summary>
    public async Task<TimeSpan> StartAsync(TimeSpan? timeout = null, TimeSpan? pollInterval = null)
    {
        var clock = Stopwatch.StartNew();
        var run = StartProcess();
        var deadline = timeout ?? TimeSpan.FromSeconds(90);
        while (clock.Elapsed < deadline)
        {
            if (run.HasExited)
            {
                await run.WaitForExitAsync(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"{Name} exited with {run.ExitCode} before it was ready:\n{run.Tail()}");
            }
            try
            {
                using var answer = await Probe.GetAsync(BaseUrl + _readyPath);
                if (answer.IsSuccessStatusCode)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(50));
        }
        throw new TimeoutException($"{Name} was not ready within {deadline.TotalSeconds:0} s:\n{run.Tail()}");
    }

    /// <summary>Starts a new process without waiting for it (for runs expected to fail).</summary>
    public ChildProcess StartProcess()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is running already.");
        }
        var run = ChildProcess.Start($"{Name}#{_runs.Count + 1}", _dll, ["--urls", BaseUrl], Environment,
            Path.Combine(_logDirectory, $"{Name}-{_runs.Count + 1}.log"), _captureOutput);
        _runs.Add(run);
        return run;
    }

    /// <summary>SIGKILL to the current process.</summary>
    public Task KillAsync() => Current is { } run ? run.KillAsync() : Task.CompletedTask;

    /// <summary>SIGTERM to the current process, SIGKILL if it is still there after <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace) => Current is { } run ? run.StopAsync(grace) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs)
        {
            await run.DisposeAsync();
        }
    }
}

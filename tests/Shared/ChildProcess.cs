using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Paykassma.Tests.Shared;

/// <summary>
/// One run of a built app (<c>dotnet App.dll --urls …</c>) as a child process. Every line it writes
/// to stdout and stderr is kept in memory and appended to a log file, so a drill can assert on
/// the output and a person can read it after a failure. Restarting an app means a new instance.
/// Started with <c>captureOutput: false</c> (the bench), the child writes to this process's own stdout
/// and stderr instead, straight to wherever they lead: nothing is kept, and no pipe through this
/// process can slow the app's logging down.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Every child still alive, so a dying test host can take them along (see <see cref="KillAllLeftovers"/>).</summary>
    private static readonly ConcurrentDictionary<int, Process> Alive = new();

    private readonly Process _process;
    private readonly StreamWriter? _log;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _ended;
    private bool _disposed;

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllLeftovers();

    private ChildProcess(string name, Process process, string? logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath ?? "";
        if (logPath is null)
        {
            // Not captured: there are no pipes to drain.
            _stdoutClosed.TrySetResult();
            _stderrClosed.TrySetResult();
        }
        else
        {
            _log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        }
    }

    public string Name { get; }

    /// <summary>The run's log file; empty when its output is not captured.</summary>
    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _ended || _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>All output so far, stdout and stderr interleaved as they arrived.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Output => string.Join('\n', _lines);

    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment, string logPath, bool captureOutput = true)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = captureOutput,
            RedirectStandardError = captureOutput,
            RedirectStandardInput = false,
            UseShellExecute = false,
            // Content root: appsettings.json is read from here.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Only what the drill says: nothing from the test run (a developer's ASPNETCORE_ENVIRONMENT,
        // test.sh's variables) may change how the app under test is configured.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (IsAppSetting(key))
            {
                start.Environment.Remove(key);
            }
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, captureOutput ? logPath : null);
        process.OutputDataReceived += (_, e) => child.Append("out", e.Data, child._stdoutClosed);
        process.ErrorDataReceived += (_, e) => child.Append("err", e.Data, child._stderrClosed);
        process.Start();
        Alive[process.Id] = process;
        if (captureOutput)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        return child;
    }

    /// <summary>
    /// SIGTERM, the app's own shutdown (it drains its requests), and SIGKILL if it has not exited
    /// within <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
            return;
        }
        // .NET can send SIGKILL only; kill(1) sends the rest.
        using (var term = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        try
        {
            await WaitForExitAsync(grace);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, requests cut mid-flight.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited already.
        }
        await WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _ended = true;
        // The pipes close after the process is gone; the last lines may still be on their way.
        try
        {
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // Keep what arrived; the process is gone either way.
        }
        Alive.TryRemove(_process.Id, out _);
    }

    public string Tail(int lines = 40) => string.Join('\n', _lines.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_ended)
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
            else
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
        }
        _process.Dispose();
        if (_log is not null)
        {
            lock (_log)
            {
                _log.Dispose();
            }
        }
    }

    /// <summary>Last resort when the test host itself goes away with children still running.</summary>
    public static void KillAllLeftovers()
    {
        foreach (var process in Alive.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private void Append(string stream, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        _lines.Enqueue(line);
        lock (_log!)
        {
            try
            {
                _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {stream} {line}");
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// A variable that configures an app (ASP.NET Core's and .NET's environment names, any
    /// <c>Section__Key</c>, the service's <c>MERCHANT_</c> prefix): <see cref="Start"/> passes none of the
    /// caller's on, only those it is given.
    /// </summary>
    public static bool IsAppSetting(string key) =>
        key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || key.Contains("__", StringComparison.Ordinal)
        || key.StartsWith("MERCHANT_", StringComparison.OrdinalIgnoreCase);

    /// <summary>The dotnet host that runs this test (the SDK tells child processes where it is).</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet"
                ? self
                : "dotnet";
}

using System.Globalization;
using System.Runtime.InteropServices;
using Paykassma.Tests.Shared;

namespace Paykassma.Bench;

/// <summary>
/// <c>serve api|sandbox</c>: one app started for a bench script through the test kit's
/// <see cref="AppHost"/> (the drills start theirs the same way), configured by the kit's
/// <see cref="ServiceSettings"/> plus what only the bench sets. Once the app is ready it writes the handover file the
/// script reads (the app's pid, url, seconds to ready and the app's own CPU seconds at ready), then
/// stays until the app exits or this process is signalled (SIGTERM, SIGINT, SIGHUP), and then stops
/// the app as the scripts always did: SIGTERM, SIGKILL after 10 s.
/// </summary>
/// <remarks>
/// The app writes its log to this process's stdout and stderr, which the script sends to a file:
/// straight there, as before, not through a pipe this process would have to drain while it is being
/// measured. Settings in the caller's environment (<c>Section__Key=…</c>) still reach the app, under
/// the bench's own, and the <c>VAR=value</c> arguments after <c>--</c> go over both.
/// </remarks>
internal static class Serve
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(Args options, IReadOnlyList<string> extra)
    {
        var app = options.Text("app");
        var (own, readyPath) = app switch
        {
            "api" => (ApiSettings(options), "/health/ready"),
            "sandbox" => (SandboxSettings(options), "/health"),
            _ => throw new ArgumentException($"serve: --app is api or sandbox, not '{app}'."),
        };
        var settings = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(ChildProcess.IsAppSetting)
            .ToDictionary(key => key, key => Environment.GetEnvironmentVariable(key)!, StringComparer.Ordinal);
        foreach (var (key, value) in own)
        {
            settings[key] = value;
        }
        foreach (var pair in extra)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"serve: '{pair}' after -- is not VAR=value.");
            }
            settings[pair[..eq]] = pair[(eq + 1)..];
        }

        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            signalled.TrySetResult();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

        await using var host = new AppHost(app, Path.GetFullPath(options.Text("dll")), options.Int("port"), readyPath, settings,
            Path.GetTempPath(), captureOutput: false);
        var starting = host.StartAsync(TimeSpan.FromSeconds(options.Double("timeout", 90)),
            TimeSpan.FromMilliseconds(options.Double("poll-ms", 20)));
        await Task.WhenAny(starting, signalled.Task);
        if (!starting.IsCompleted)
        {
            // Signalled while the app was starting: it goes too (the wait for it then ends in an error).
            await host.StopAsync(Grace);
            await starting.ContinueWith(_ => { }, TaskScheduler.Default);
            return 1;
        }
        TimeSpan ready;
        try
        {
            ready = await starting;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"serve: {e.Message}");
            return 1;
        }
        var run = host.Current!;
        // Read at once: the CPU the app spent getting ready, not what it spends afterwards.
        var readyCpu = CpuMeter.ProcessTicks(run.Id, children: false) / (double)CpuMeter.TicksPerSecond;

        var handover = options.Text("handover");
        await File.WriteAllTextAsync(handover + ".tmp", string.Create(CultureInfo.InvariantCulture,
            $"pid={run.Id}\nurl={host.BaseUrl}\nready_s={ready.TotalSeconds:0.000}\nready_cpu_s={readyCpu:0.00}\n"));
        File.Move(handover + ".tmp", handover, overwrite: true);

        var exited = run.WaitForExitAsync(Timeout.InfiniteTimeSpan);
        await Task.WhenAny(exited, signalled.Task);
        if (!exited.IsCompleted)
        {
            await run.StopAsync(Grace);
        }
        return 0;
    }

    /// <summary>
    /// The API as the kit configures it (ServiceSettings: Production, settings through the environment), its JSON log on
    /// stdout (as to a log collector), pointed at the bench's PostgreSQL and gateway, with the bench's
    /// secrets. One synthetic user makes every call here: the per-user limits would measure themselves.
    /// BENCH_GROUP_COMMIT=0 stores each postback in its own transaction, =1 by group commit
    /// (Postbacks:GroupCommit, ADR 0022); unset, the service's default (on).
    /// </summary>
    private static Dictionary<string, string> ApiSettings(Args options)
    {
        var settings = ServiceSettings.MerchantApi(
            $"Host=127.0.0.1;Port={options.Int("pg-port")};Username=postgres;Database=merchant", options.Text("gateway"), Secrets(options));
        settings["Proofs__MaxProofsPerDeposit"] = "1000";
        settings["RateLimits__FrontendPerMinute"] = "1000000";
        settings["RateLimits__ProofUploadsPerMinute"] = "1000000";
        switch (Environment.GetEnvironmentVariable("BENCH_GROUP_COMMIT"))
        {
            case "1":
                settings["Postbacks__GroupCommit__Enabled"] = "true";
                break;
            case "0":
                settings["Postbacks__GroupCommit__Enabled"] = "false";
                break;
        }
        return settings;
    }

    /// <summary>
    /// The sandbox gateway in Production with the bench's plugin secret, postbacks off (no
    /// PostbackUrl), screenshots not kept, and only warnings logged.
    /// </summary>
    private static Dictionary<string, string> SandboxSettings(Args options)
    {
        var settings = ServiceSettings.Sandbox(Secrets(options));
        settings["Sandbox__KeepScreenshotBytes"] = "false";
        settings["Serilog__MinimumLevel__Default"] = "Warning";
        return settings;
    }

    /// <summary>The bench's secrets, from the command line (bench/lib.sh); the sandbox has no use for the token settings.</summary>
    private static ServiceSecrets Secrets(Args options) => new(
        options.Text("plugin-secret"), options.Text("access-key"), options.Text("private-key"),
        options.Text("jwt-key", ""), options.Text("jwt-issuer", ""), options.Text("jwt-audience", ""));
}

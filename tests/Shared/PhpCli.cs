using System.Diagnostics;

namespace Paykassma.Tests.Shared;

/// <summary>The machine's <c>php</c> command (./test.sh installs php-cli), for tests that ask PHP itself.</summary>
internal static class PhpCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The php executable found on PATH, or null.</summary>
    public static string? Executable { get; } = FindOnPath("php");

    /// <summary>Whether php-cli could have been installed here: without apt-get, a missing php is no one's mistake.</summary>
    public static bool CanBeInstalled { get; } = FindOnPath("apt-get") is not null;

    public static string MissingMessage =>
        "php is not installed: run ./test.sh (it installs the php-cli package) or apt-get install -y php-cli.";

    /// <summary>
    /// Runs a PHP script with the settings the gateway encodes with, and returns what it wrote to stdout.
    /// Warnings go to stderr and fail the run, so they can never slip into the output being compared.
    /// </summary>
    public static async Task<string> RunScriptAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(MissingMessage))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-d", "display_errors=stderr", "-d", "error_reporting=-1", "-d", "serialize_precision=-1", script, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var php = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        var stdout = php.StandardOutput.ReadToEndAsync();
        var stderr = php.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            try
            {
                await php.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                php.Kill(entireProcessTree: true);
                throw new TimeoutException($"php {script} {string.Join(' ', arguments)} ran longer than {Timeout}.");
            }
        }

        var errors = await stderr;
        if (php.ExitCode != 0 || errors.Length > 0)
        {
            throw new InvalidOperationException(
                $"php {script} {string.Join(' ', arguments)} exited with {php.ExitCode} and wrote to stderr:\n{errors}");
        }

        return await stdout;
    }

    private static string? FindOnPath(string command)
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}

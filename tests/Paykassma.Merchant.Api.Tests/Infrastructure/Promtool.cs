using System.Diagnostics;
using System.Text;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// Prometheus's promtool, from Debian's prometheus package: ./test.sh installs it when missing
/// (scripts/lib/promtool.sh). Runs in the folder of the files it checks, so that a rule test file's
/// relative rule_files resolve as they do for a person running it by hand.
/// </summary>
public static class Promtool
{
    public const string MissingMessage =
        "promtool is not installed: run ./test.sh as root (it installs Debian's 'prometheus' package, which brings promtool) " +
        "or `apt-get install --no-install-recommends prometheus`.";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The promtool on PATH, or null.</summary>
    public static string? Executable { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);

    public static async Task<ToolRun> RunAsync(string workingFolder, params string[] arguments)
    {
        Assert.True(Executable is not null, MissingMessage);
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"promtool {string.Join(' ', arguments)} did not finish within {Timeout.TotalMinutes} minutes.");
        }
        var transcript = new StringBuilder()
            .Append("$ promtool ").AppendJoin(' ', arguments).AppendLine()
            .Append(await output).Append(await error)
            .Append("(exit ").Append(process.ExitCode).Append(')')
            .ToString();
        return new ToolRun(process.ExitCode, await output, transcript);
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// The npm tools a frontend developer runs on our OpenAPI document (Redocly CLI, openapi-typescript,
/// openapi-fetch, tsc), pinned in tests/contract/package.json and installed there by ./test.sh
/// (scripts/lib/node-tools.sh). Each check works in a folder of its own under tests/contract/.work,
/// so tsc finds openapi-fetch in tests/contract/node_modules as a frontend project would.
/// </summary>
public sealed partial class ContractToolchain
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);

    private ContractToolchain(string contractFolder) => ContractFolder = contractFolder;

    /// <summary>tests/contract: package.json, the lint config and the typed usage file.</summary>
    public string ContractFolder { get; }

    public string UsageFile => Path.Combine(ContractFolder, "usage.ts");

    public string LintConfig => Path.Combine(ContractFolder, "redocly.yaml");

    /// <summary>Finds tests/contract above the test binaries and checks that npm installed the tools there.</summary>
    public static ContractToolchain Locate()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "tests", "contract", "package.json")))
        {
            folder = folder.Parent;
        }
        Assert.True(folder is not null, $"tests/contract/package.json not found above {AppContext.BaseDirectory}.");
        var toolchain = new ContractToolchain(Path.Combine(folder.FullName, "tests", "contract"));
        foreach (var tool in new[] { "redocly", "openapi-typescript", "tsc" })
        {
            Assert.True(File.Exists(toolchain.Bin(tool)),
                $"{tool} is not installed in {toolchain.ContractFolder}/node_modules: run ./test.sh (it installs the pinned " +
                "tools with npm ci; Node.js and npm come from apt-get when missing) or `npm ci` in tests/contract.");
        }
        return toolchain;
    }

    /// <summary>A fresh folder for one check; the caller deletes it when the check passed and keeps it to look at when not.</summary>
    public string NewWorkFolder(string name)
    {
        var folder = Path.Combine(ContractFolder, ".work", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Redocly's lint under tests/contract/redocly.yaml; its report as JSON on standard output.</summary>
    public Task<ToolRun> LintAsync(string document) =>
        RunAsync("redocly", "lint", document, "--config", LintConfig, "--format", "json");

    /// <summary>
    /// openapi-typescript through tests/contract/generate.mjs: its defaults, plus its documented transform
    /// that types a binary field (the proof's screenshot) as a Blob, as a frontend generates its types.
    /// </summary>
    public Task<ToolRun> GenerateTypesAsync(string document, string output) =>
        RunAsync("node", Path.Combine(ContractFolder, "generate.mjs"), document, output);

    /// <summary>
    /// The lines of generated types where one of our schemas came out untyped: <c>any</c>, <c>unknown</c>
    /// or an object that holds nothing (<c>Record&lt;string, never&gt;</c>). Not counted: <c>JsonValue</c>,
    /// the one schema that is any JSON on purpose (the gateway's own fields), named so a client sees it;
    /// and openapi-typescript's own scaffolding, every response's open-ended <c>headers</c> map and the
    /// empty <c>webhooks</c> and <c>$defs</c> the document does not use.
    /// </summary>
    public static IReadOnlyList<string> UntypedLines(string generated) =>
        generated.Split('\n').Select((line, index) => (Text: line.Trim(), Number: index + 1))
            .Where(line => !line.Text.StartsWith("*", StringComparison.Ordinal) && !line.Text.StartsWith("/*", StringComparison.Ordinal))
            .Where(line => Untyped().IsMatch(line.Text))
            .Where(line => line.Text != "JsonValue: unknown;" && line.Text != "[name: string]: unknown;"
                           && line.Text != "export type webhooks = Record<string, never>;"
                           && line.Text != "export type $defs = Record<string, never>;")
            .Select(line => $"{line.Number}: {line.Text}")
            .ToList();

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(any|unknown)\b|Record<string, never>")]
    private static partial System.Text.RegularExpressions.Regex Untyped();

    /// <summary>
    /// Type-checks the given files of a work folder with tsc --strict under tests/contract/tsconfig.json
    /// (the compiler options a frontend would use; fetch and FormData from the DOM library). Nothing is
    /// emitted: a type error is the whole point.
    /// </summary>
    public async Task<ToolRun> CompileAsync(string workFolder, params string[] files)
    {
        var project = Path.Combine(workFolder, "tsconfig.json");
        var settings = new JsonObject
        {
            ["extends"] = Path.Combine(ContractFolder, "tsconfig.json"),
            ["files"] = new JsonArray(files.Select(file => (JsonNode)file).ToArray()),
        };
        await File.WriteAllTextAsync(project, settings.ToJsonString());
        return await RunAsync("tsc", "--project", project, "--strict", "--pretty", "false");
    }

    /// <summary>A tool installed in tests/contract/node_modules, or Node.js itself (from the PATH, as ./test.sh installs it).</summary>
    private string Bin(string tool) => tool == "node" ? "node" : Path.Combine(ContractFolder, "node_modules", ".bin", tool);

    private async Task<ToolRun> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(Bin(tool))
        {
            WorkingDirectory = ContractFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Plain text for the test's output, and no calls home (the CI network refuses them anyway).
        start.Environment["NO_COLOR"] = "1";
        start.Environment["FORCE_COLOR"] = "0";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        var timer = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} did not finish within {ToolTimeout.TotalMinutes} minutes.");
        }
        var text = new StringBuilder()
            .Append("$ ").Append(tool).Append(' ').AppendJoin(' ', arguments).AppendLine()
            .Append(await output).Append(await error)
            .Append("(exit ").Append(process.ExitCode).Append(", ").Append(timer.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).Append(" s)")
            .ToString();
        return new ToolRun(process.ExitCode, await output, text);
    }
}

/// <summary>One tool run: its exit code, its standard output alone (for JSON reports) and everything it printed.</summary>
public sealed record ToolRun(int ExitCode, string StandardOutput, string Transcript);

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Paykassma.Bench;

/// <summary>
/// Runs an external load generator (wrk or pgbench) as a child, with the CPU meter and the API's
/// peak RSS around it, and turns its output into the same JSON shape as the built-in generators.
/// </summary>
internal static partial class Measure
{
    public static async Task<JsonObject> RunAsync(Args args, string[] command)
    {
        var kind = args.Text("kind");
        var rawOut = args.Text("raw-out");
        var apiPid = args.Optional("api-pid");
        var cpu = CpuMeter.Start(args);
        using var rss = kind == "wrk" && apiPid is not null ? new RssWatch(int.Parse(apiPid, CultureInfo.InvariantCulture)) : null;

        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        await File.WriteAllTextAsync(rawOut, output);
        var usage = cpu.Stop();
        var memory = rss?.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command[0]} exited with {process.ExitCode}; output in {rawOut}");
        }

        var result = kind switch
        {
            "wrk" => FromWrk(output),
            "pgbench" => FromPgbench(output, args.Text("pgbench-log-prefix"), args.Double("skip-seconds", 0)),
            _ => throw new ArgumentException("--kind is wrk or pgbench"),
        };
        result["cpu"] = usage;
        if (memory is not null)
        {
            result["rss"] = memory;
        }
        return result;
    }

    /// <summary>bench/wrk/postback.lua prints its summary as one JSON line after BENCH_JSON.</summary>
    private static JsonObject FromWrk(string output)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH_JSON ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException("wrk printed no BENCH_JSON line");
        return JsonNode.Parse(line["BENCH_JSON ".Length..])!.AsObject();
    }

    /// <summary>
    /// pgbench's summary and its per-transaction log (client_id transaction_no time_us script_no epoch epoch_us
    /// [schedule_lag_us]). At a fixed rate (-R) the log's time excludes how late the transaction started, so the
    /// schedule lag is added back: latency from the due time, as the paced generator measures it. skipSeconds
    /// drops the first seconds of the log: pgbench has no warm-up, and its first second includes starting its
    /// clients while the schedule already runs (the paced generator warms up for 2 s before it records).
    /// </summary>
    private static JsonObject FromPgbench(string output, string logPrefix, double skipSeconds)
    {
        var tps = double.Parse(TpsPattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var processed = long.Parse(ProcessedPattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var failedMatch = FailedPattern().Match(output);
        var failed = failedMatch.Success ? long.Parse(failedMatch.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var directory = Path.GetDirectoryName(logPrefix)!;
        var entries = new List<(long EndUs, long LatencyUs)>();
        foreach (var file in Directory.EnumerateFiles(directory, Path.GetFileName(logPrefix) + ".*"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(' ');
                if (fields.Length >= 6 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var us)
                    && long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                    && long.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var epochUs))
                {
                    var lag = fields.Length >= 7 && long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
                    entries.Add((epoch * 1_000_000 + epochUs, us + lag));
                }
            }
        }
        var from = entries.Count == 0 ? 0 : entries.Min(e => e.EndUs) + (long)(skipSeconds * 1_000_000);
        var kept = entries.Where(e => e.EndUs >= from).Select(e => e.LatencyUs).ToList();
        var result = new JsonObject
        {
            ["tps"] = Math.Round(tps, 1),
            ["transactions"] = processed,
            ["failed"] = failed,
            ["latency"] = Latencies.Summary(kept),
        };
        if (skipSeconds > 0)
        {
            result["skipped_seconds"] = skipSeconds;
            result["recorded"] = kept.Count;
        }
        return result;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"number of failed transactions: ([0-9]+)")]
    private static partial Regex FailedPattern();
}

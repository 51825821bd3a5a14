using System.Globalization;
using System.Text.Json.Nodes;

namespace Paykassma.Bench;

/// <summary>
/// Where the machine's CPU went during a run, from /proc: the API process, PostgreSQL (its live
/// processes plus what the postmaster collected from backends that ended meanwhile), the load
/// generator (this process and its children, e.g. wrk or pgbench), and the rest. In percent of one
/// core, so a 2-core machine has 200 % in all.
/// </summary>
internal sealed class CpuMeter
{
    private readonly int? _apiPid;
    private readonly int? _pgPid;
    private readonly Snapshot _start;

    private CpuMeter(int? apiPid, int? pgPid)
    {
        _apiPid = apiPid;
        _pgPid = pgPid;
        _start = Take();
    }

    public static CpuMeter Start(Args args) => new(
        args.Optional("api-pid") is { } api ? int.Parse(api, CultureInfo.InvariantCulture) : null,
        args.Optional("pg-pid") is { } pg ? int.Parse(pg, CultureInfo.InvariantCulture) : null);

    public JsonObject Stop()
    {
        var end = Take();
        var wall = end.Total - _start.Total;
        if (wall <= 0)
        {
            return [];
        }
        double Percent(long ticks) => Math.Round(100.0 * ticks / wall * Environment.ProcessorCount, 1);
        var busy = (end.Total - end.Idle) - (_start.Total - _start.Idle);
        var api = end.Api - _start.Api;
        var pg = end.Postgres - _start.Postgres;
        var load = end.LoadGenerator - _start.LoadGenerator;
        return new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["busy_pct"] = Percent(busy),
            ["api_pct"] = Percent(api),
            ["postgres_pct"] = Percent(pg),
            ["loadgen_pct"] = Percent(load),
            ["other_pct"] = Percent(Math.Max(0, busy - api - pg - load)),
        };
    }

    private sealed record Snapshot(long Total, long Idle, long Api, long Postgres, long LoadGenerator);

    private Snapshot Take()
    {
        // /proc/stat's first line is in ticks summed over all CPUs; processes are in ticks too.
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Take(8).Sum();
        var idle = cpu[3] + cpu[4];
        var api = _apiPid is { } a ? ProcessTicks(a, children: false) : 0;
        long pg = 0;
        if (_pgPid is { } postmaster)
        {
            pg = ProcessTicks(postmaster, children: true);
            foreach (var child in ChildrenOf(postmaster))
            {
                pg += ProcessTicks(child, children: false);
            }
        }
        var self = ProcessTicks(Environment.ProcessId, children: true);
        return new Snapshot(total, idle, api, pg, self);
    }

    /// <summary>The unit of /proc's CPU times on Linux (USER_HZ, what <c>getconf CLK_TCK</c> says).</summary>
    internal const int TicksPerSecond = 100;

    /// <summary>utime+stime (and cutime+cstime of reaped children) in clock ticks.</summary>
    internal static long ProcessTicks(int pid, bool children)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            if (children)
            {
                ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            return ticks;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                yield return pid;
            }
        }
    }
}

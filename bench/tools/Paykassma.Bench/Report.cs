using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Paykassma.Bench;

/// <summary>The results table (markdown) from the JSON files one run of bench/run.sh left in a directory.</summary>
internal static class Report
{
    public static string Build(string directory)
    {
        JsonObject? Load(string name)
        {
            var path = Path.Combine(directory, name + ".json");
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : null;
        }

        var meta = Load("meta") ?? [];
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run of {Text(meta, "date")} — `{Text(meta, "command")}` — {Text(meta, "runtime_s")} s in all, commit {Text(meta, "commit")}");
        md.AppendLine();
        md.AppendLine($"Machine: {Text(meta, "nproc")} cores ({Text(meta, "cpu")}), {Text(meta, "memory")} memory, {Text(meta, "kernel")}; " +
                                                    $".NET {Text(meta, "dotnet")}; PostgreSQL {Text(meta, "postgres")} ({Text(meta, "pg_settings")}). " +
                                                    "Load generator, API, sandbox and PostgreSQL share the machine's cores (no pinning); " +
                                                    "CPU columns are % of one core (200 % = both cores). " +
                                                    $"Other processes kept the machine {Text(meta, "background_busy_pct")} % busy just before the run.");
        md.AppendLine();

        md.AppendLine("### 1. Postback ingestion (unique signed postbacks, each confirming its own deposit; `wrk`, closed loop)");
        md.AppendLine();
        md.AppendLine("| connections | service accepted/s | p50 ms | p99 ms | max ms | non-2xx | floor tps (pgbench) | floor p50 ms | floor p99 ms | service / floor | CPU api / pg / wrk / other % (service run) | API peak RSS MB |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var (connections, service, floor) in IngestionRuns(Load))
        {
            var rate = Number(service, "accepted_per_s");
            var tps = Number(floor, "tps");
            md.AppendLine(
                $"| {connections} | {Fmt(rate, "0")} | {Fmt(Number(service, "latency.p50_ms"))} | {Fmt(Number(service, "latency.p99_ms"))} | " +
                $"{Fmt(Number(service, "latency.max_ms"))} | {Fmt(Number(service, "non_2xx"), "0")} | {Fmt(tps, "0")} | " +
                $"{Fmt(Number(floor, "latency.p50_ms"))} | {Fmt(Number(floor, "latency.p99_ms"))} | {Fmt(rate / tps, "0.00")} | " +
                $"{Fmt(Number(service, "cpu.api_pct"), "0")} / {Fmt(Number(service, "cpu.postgres_pct"), "0")} / {Fmt(Number(service, "cpu.loadgen_pct"), "0")} / {Fmt(Number(service, "cpu.other_pct"), "0")} | " +
                $"{Fmt(Number(service, "rss.vmhwm_mb"), "0")} |");
        }
        md.AppendLine();
        md.AppendLine("The same runs as PostgreSQL saw them (pg_stat_statements, per execution of the one statement a postback or a floor transaction is):");
        md.AppendLine();
        md.AppendLine("| connections | service: calls / plans | planning ms | execution ms | buffer hits | floor: calls / plans | planning ms | execution ms | buffer hits |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (connections, service, floor) in IngestionRuns(Load))
        {
            md.AppendLine($"| {connections} | {StatementCells(service)} | {StatementCells(floor)} |");
        }
        md.AppendLine();

        var paced = Load("paced");
        var floorPaced = Load("floor-paced");
        md.AppendLine("### 2. Latency at a fixed rate (open loop, latency from each request's due time)");
        md.AppendLine();
        md.AppendLine("The floor runs the same rate with pgbench `-R` on 8 clients (its best count), with its schedule lag counted: what PostgreSQL alone gives at this rate, one transaction per postback. " +
            $"The generator warms up at the rate for 2 s, then until its own JIT has gone quiet ({Fmt(Number(paced, "warmup_s"), "0")} s in all this run); the floor's first seconds are dropped alike.");
        md.AppendLine();
        md.AppendLine("| | target rate /s | achieved /s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | worst second's p99 ms | non-200 | generator send lag p99 ms | CPU api / pg / generator / other % | postbacks per commit |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        if (paced is not null)
        {
            var worstSecond = paced["p99_ms_by_second"] is JsonArray seconds && seconds.Count > 0 ? seconds.Max(s => s!.GetValue<double>()) : double.NaN;
            md.AppendLine(
                $"| service | {Fmt(Number(paced, "rate_target"), "0")} | {Fmt(Number(paced, "achieved_rate"), "0")} | {Fmt(Number(paced, "latency.p50_ms"))} | " +
                $"{Fmt(Number(paced, "latency.p90_ms"))} | {Fmt(Number(paced, "latency.p99_ms"))} | {Fmt(Number(paced, "latency.p999_ms"))} | " +
                $"{Fmt(Number(paced, "latency.max_ms"))} | {Fmt(worstSecond)} | {Fmt(Number(paced, "non_ok"), "0")} | {Fmt(Number(paced, "send_lag.p99_ms"))} | " +
                $"{Fmt(Number(paced, "cpu.api_pct"), "0")} / {Fmt(Number(paced, "cpu.postgres_pct"), "0")} / {Fmt(Number(paced, "cpu.loadgen_pct"), "0")} / {Fmt(Number(paced, "cpu.other_pct"), "0")} | " +
                $"{paced["mean_batch"]?.ToString() ?? "n/a"} |");
        }
        if (floorPaced is not null)
        {
            md.AppendLine(
                $"| floor | {Fmt(Number(paced, "rate_target"), "0")} | {Fmt(Number(floorPaced, "tps"), "0")} | {Fmt(Number(floorPaced, "latency.p50_ms"))} | " +
                $"{Fmt(Number(floorPaced, "latency.p90_ms"))} | {Fmt(Number(floorPaced, "latency.p99_ms"))} | {Fmt(Number(floorPaced, "latency.p999_ms"))} | " +
                $"{Fmt(Number(floorPaced, "latency.max_ms"))} | | {Fmt(Number(floorPaced, "failed"), "0")} | | " +
                // The whole machine only: pgbench's backends end with it, just before the meter stops, and
                // one not yet reaped by the postmaster counts as neither PostgreSQL's nor pgbench's.
                $"machine {Fmt(Number(floorPaced, "cpu.busy_pct"), "0")} % busy | 1 |");
        }
        md.AppendLine();
        if (paced?["full_page_images"] is not null)
        {
            // What decides the seconds a p99 is made of, besides the load itself (bench/README.md,
            // "Where the fixed-rate p99's spikes come from").
            md.AppendLine("PostgreSQL's background work during each (full-page images written, most right after the settling checkpoint; " +
                          "autovacuum and autoanalyze runs that ended during it): " +
                          $"service {Background(paced)}; floor {Background(floorPaced)}.");
            md.AppendLine();
        }

        md.AppendLine("### 3. Proof upload (8 concurrent uploads, closed loop, through the sandbox gateway)");
        md.AppendLine();
        md.AppendLine("| screenshot | uploads/s | MB/s | p50 ms | p99 ms | max ms | non-202 | API peak RSS MB (VmHWM) | API RSS before MB | CPU api / pg / generator / other % |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var size in new[] { "1mb", "5mb" })
        {
            var upload = Load($"upload-{size}");
            if (upload is null)
            {
                continue;
            }
            md.AppendLine(
                $"| {size.ToUpperInvariant().Replace("MB", " MB", StringComparison.Ordinal)} | {Fmt(Number(upload, "uploads_per_s"), "0.0")} | {Fmt(Number(upload, "mb_per_s"), "0.0")} | " +
                $"{Fmt(Number(upload, "latency.p50_ms"), "0.0")} | {Fmt(Number(upload, "latency.p99_ms"), "0.0")} | {Fmt(Number(upload, "latency.max_ms"), "0.0")} | " +
                $"{Fmt(Number(upload, "uploads") - Number(upload, "accepted_202"), "0")} | {Fmt(Number(upload, "rss.vmhwm_mb"), "0")} | {Fmt(Number(upload, "rss_before_mb"), "0")} | " +
                $"{Fmt(Number(upload, "cpu.api_pct"), "0")} / {Fmt(Number(upload, "cpu.postgres_pct"), "0")} / {Fmt(Number(upload, "cpu.loadgen_pct"), "0")} / {Fmt(Number(upload, "cpu.other_pct"), "0")} |");
        }
        md.AppendLine();

        var deposits = Load("deposits");
        md.AppendLine("### 4. Deposit creation overhead (one request at a time, alternating)");
        md.AppendLine();
        md.AppendLine("| call | p50 ms | p99 ms |");
        md.AppendLine("|---|---:|---:|");
        if (deposits is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| `POST /api/deposits` (service) | {Fmt(Number(deposits, "api.p50_ms"))} | {Fmt(Number(deposits, "api.p99_ms"))} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| sandbox create, called directly | {Fmt(Number(deposits, "sandbox_direct.p50_ms"))} | {Fmt(Number(deposits, "sandbox_direct.p99_ms"))} |");
            var commit = Load("commit");
            md.AppendLine(CultureInfo.InvariantCulture, $"| for comparison: one durable `INSERT` + `COMMIT` (pgbench, 1 client) | {Fmt(Number(commit, "latency.p50_ms"))} | {Fmt(Number(commit, "latency.p99_ms"))} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| **overhead** (difference) | **{Fmt(Number(deposits, "overhead_p50_ms"))}** | **{Fmt(Number(deposits, "overhead_p99_ms"))}** |");
        }
        md.AppendLine();

        var footprint = Load("footprint");
        md.AppendLine("### 5. Footprint");
        md.AppendLine();
        md.AppendLine("| start → /health/ready, migrated DB (median of 3) | first start (applies migrations) | idle RSS after start MB | idle RSS after the run MB | RSS under ingestion load (peak) MB |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        var ingestPeak = new[] { 8, 32, 64 }.Select(c => Number(Load($"ingest-c{c}"), "rss.vmhwm_mb")).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max();
        md.AppendLine(
            $"| {Fmt(Number(footprint, "ready_s"), "0.00")} s | {Fmt(Number(footprint, "first_ready_s"), "0.00")} s | {Fmt(Number(footprint, "idle_rss_mb"), "0")} | " +
            $"{Fmt(Number(footprint, "idle_rss_after_mb"), "0")} | {Fmt(ingestPeak, "0")} |");
        md.AppendLine();

        var probes = Load("probes");
        if (probes is not null)
        {
            md.AppendLine("### Probes: queries whose cost grows with the tables (after the ingestion runs)");
            md.AppendLine();
            md.AppendLine("| query | rows in the table | time ms |");
            md.AppendLine("|---|---:|---:|");
            md.AppendLine($"| proof upload's `SELECT count(*) FROM proofs WHERE deposit_id = …` (served by the index on `proofs (deposit_id, created_at)`) | {Fmt(Number(probes, "proofs_rows"), "0")} | {Fmt(Number(probes, "proof_count_ms"), "0.0")} |");
            // Open deposits (bounded by the expiry in production; here, every seeded deposit not yet confirmed)
            // and undelivered events (no ledger here: a ledger outage's backlog), each counted up to Metrics:CountLimit.
            md.AppendLine($"| metrics gauge: open deposits by status, each counted up to 10 000 (every 15 s) | {Fmt(Number(probes, "deposits_rows"), "0")} ({Fmt(Number(probes, "open_deposits_rows"), "0")} open) | {Fmt(Number(probes, "deposits_by_status_ms"), "0.0")} |");
            md.AppendLine($"| metrics gauge: undelivered money events, counted up to 10 000, and the oldest one (every 15 s) | {Fmt(Number(probes, "pending_events_rows"), "0")} pending | {Fmt(Number(probes, "events_pending_ms"), "0.0")} |");
            md.AppendLine();
        }

        md.AppendLine("### Targets");
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---:|:---:|");
        var ratio32 = Number(Load("ingest-c32"), "accepted_per_s") / Number(Load("floor-c32"), "tps");
        Target(md, "ingestion ≥ 0.6 × floor at 32 connections", ratio32, "0.00", v => v >= 0.6);
        Target(md, "p99 ≤ 25 ms at half the maximum rate", Number(paced, "latency.p99_ms"), "0.0' ms'", v => v <= 25);
        Target(md, "peak RSS ≤ 300 MB, 5 MB uploads", Number(Load("upload-5mb"), "rss.vmhwm_mb"), "0' MB'", v => v <= 300);
        Target(md, "creation overhead ≤ 2 ms p50", Number(deposits, "overhead_p50_ms"), "0.00' ms'", v => v <= 2);
        Target(md, "ready ≤ 3 s", Number(footprint, "ready_s"), "0.00' s'", v => v <= 3);
        Target(md, "idle RSS ≤ 150 MB (after start)", Number(footprint, "idle_rss_mb"), "0' MB'", v => v <= 150);
        return md.ToString();
    }

    private static void Target(StringBuilder md, string name, double value, string format, Func<double, bool> met) =>
        md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Fmt(value, format)} | {(double.IsNaN(value) ? "?" : met(value) ? "yes" : "**no**")} |");

    private static string Text(JsonObject meta, string key) => meta[key]?.ToString() ?? "?";

    /// <summary>The closed-loop ingestion runs that left a result: the service's and the floor's, per connection count.</summary>
    private static IEnumerable<(int Connections, JsonObject? Service, JsonObject? Floor)> IngestionRuns(Func<string, JsonObject?> load)
    {
        foreach (var connections in new[] { 8, 32, 64 })
        {
            var service = load($"ingest-c{connections}");
            var floor = load($"floor-c{connections}");
            if (service is not null || floor is not null)
            {
                yield return (connections, service, floor);
            }
        }
    }

    /// <summary>One side's pg_stat_statements columns: calls / plans, planning ms, execution ms, buffer hits.</summary>
    private static string StatementCells(JsonObject? run) =>
        $"{Fmt(Number(run, "pg_calls"), "0")} / {Fmt(Number(run, "pg_plans"), "0")} | {Fmt(Number(run, "pg_plan_ms"), "0.000")} | " +
        $"{Fmt(Number(run, "pg_exec_ms"), "0.000")} | {Fmt(Number(run, "pg_hits"), "0.0")}";

    private static string Background(JsonObject? result) =>
        $"{Fmt(Number(result, "full_page_images"), "0")} images, {Fmt(Number(result, "autovacuums"), "0")} autovacuums, {Fmt(Number(result, "autoanalyzes"), "0")} autoanalyzes";

    private static double Number(JsonObject? result, string path)
    {
        JsonNode? node = result;
        foreach (var part in path.Split('.'))
        {
            node = node?[part];
        }
        return node is JsonValue value && value.TryGetValue<double>(out var number) ? number : double.NaN;
    }

    private static string Fmt(double value, string format = "0.00") =>
        double.IsNaN(value) || double.IsInfinity(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);
}

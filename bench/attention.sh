#!/usr/bin/env bash
# The attention list at scale (ADR 0016): the gauge's per-kind count and a page of GET /api/ops/attention
# on ATTENTION_ROWS (300 000) rows in each big table, most in normal final states, ATTENTION_STUCK (100) stuck
# ones of every kind (half marked seen) and ATTENTION_BACKLOG (20 000) seen ones in each set that grows
# while nobody acts (bench/sql/attention-seed.sql). The statements are the service's own, as it runs
# them: PostgreSQL's auto_explain logs each with EXPLAIN (ANALYZE, BUFFERS) while the API samples its
# gauges every 2 s and answers the list. Prints a table and writes it, with every plan, to
# bench/results/attention-<time>.md. About 5 minutes on this 2-core machine.
#
# Knobs: ATTENTION_ROWS, ATTENTION_STUCK, ATTENTION_BACKLOG, BENCH_API_DLL (another build), BENCH_KEEP_WORK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. bench/lib.sh

rows=${ATTENTION_ROWS:-300000}
stuck=${ATTENTION_STUCK:-100}
backlog=${ATTENTION_BACKLOG:-20000}
bench_begin attention

pg_ensure_installed
say "Building (API, bench tool)..."
build_tool_and_api

# auto_explain is loaded but silent (log_min_duration -1) until the measured part turns it on (ALTER SYSTEM below).
start_bench_postgres -c shared_preload_libraries=auto_explain \
  -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_timing=on
api_url="http://127.0.0.1:$(pg_free_port)"

say "Migrating (a first start of the API)..."
start_api Serilog__MinimumLevel__Default=Warning
stop_api

say "Seeding $rows rows per table ($stuck stuck of each kind, $backlog seen in each growing set)..."
started=$(date +%s.%N)
psql_merchant -At -v rows="$rows" -v stuck="$stuck" -v backlog="$backlog" -f bench/sql/attention-seed.sql
say "  seeded in $(seconds_since "$started") s"
psql_merchant -At -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null

say "Measuring: the gauge every 2 s, list pages..."
start_api Serilog__MinimumLevel__Default=Warning Metrics__SampleInterval=00:00:02
token=$(bench token --key "$jwt_key" --issuer "$jwt_issuer" --audience "$jwt_audience" --sub bench-ops --role ops)
sleep 8
http=()
for query in "pageSize=50" "pageSize=50" "pageSize=50" "pageSize=50&page=3" "kind=item_unapplied&pageSize=50" "seen=true&pageSize=50"; do
  t=$(curl -fs -o "$work/page.json" -w '%{time_total}' -H "Authorization: Bearer $token" "$api_url/api/ops/attention?$query")
  http+=("| \`GET /api/ops/attention?$query\` | $(python3 -c "import sys; print(round(float(sys.argv[1]) * 1000, 1))" "$t") | $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], "entries,", len(d["items"]), "on the page")' "$work/page.json") |")
done
# The gauge appears after the sampler's first round over the seeded tables: up to a minute on a busy machine.
for _ in $(seq 1 60); do
  curl -fs "$api_url/metrics" | grep '^paykassma_attention_items' >"$work/gauge.txt" && break
  sleep 1
done
[ -s "$work/gauge.txt" ] || { echo "No paykassma_attention_items on /metrics after a minute" >&2; exit 1; }
sleep 3
psql_merchant -At -c "ALTER SYSTEM RESET auto_explain.log_min_duration" -c "SELECT pg_reload_conf()" >/dev/null
stop_api
sizes=$(psql_merchant -At -c "SELECT string_agg(relname || ' ' || n_live_tup, ', ' ORDER BY relname) FROM pg_stat_user_tables
  WHERE relname IN ('deposits', 'proofs', 'payouts', 'postbacks', 'gateway_transactions', 'outbox_events', 'ops_actions')")

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
out=bench/results/attention-$stamp.md
python3 - "$work/pg/postgres.log" "$out" "$sizes" "$work/gauge.txt" "${http[@]}" <<'PY'
import re, statistics, sys
log, out, sizes, gauge, http = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
entries, current = [], None
for line in open(log, encoding="utf-8", errors="replace"):
    m = re.search(r"LOG:  duration: ([\d.]+) ms  plan:", line)
    if m:
        current = {"ms": float(m.group(1)), "lines": []}
        entries.append(current)
    elif current is not None and line.startswith("\t"):
        current["lines"].append(line[1:].rstrip("\n"))
    else:
        current = None
def kind(text):
    if "attention_seen_since" not in text:
        return None
    if "ORDER BY e.since" in text:
        if "ops_actions" in text:
            return "seen page (?seen=true)"
        return "page, all kinds" if "UNION ALL" in text else "page, one kind (?kind=)"
    if "count(*)" in text and "UNION ALL" in text:
        return "counts (the gauge; the list's per-kind counts)" if "IS NULL OR" in text else "seen counts (?seen=true)"
    return None
groups = {}
for e in entries:
    text = "\n".join(e["lines"])
    k = kind(text)
    if k:
        plan = [l for l in e["lines"] if "(cost=" in l or "actual time" in l or l.lstrip().startswith(("Buffers", "Index Cond", "Filter", "Planning", "Execution", "Sort", "Heap"))]
        start = next((i for i, l in enumerate(e["lines"]) if "(cost=" in l), 0)
        e["plan"] = "\n".join(e["lines"][start:])
        groups.setdefault(k, []).append(e)
big = r"(deposits|proofs|payouts|postbacks|gateway_transactions|outbox_events|ops_actions)"
rows, plans = [], []
for k, es in groups.items():
    plan = es[-1]["plan"]
    scans = sorted(set(re.findall(r"Seq Scan on " + big + r"\b", plan)))
    indexes = sorted(set(re.findall(r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)?(?: using| on) (\w+)", plan)))
    hit = re.search(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", plan)
    buffers = f"{hit.group(1)} hit" + (f", {hit.group(2)} read" if hit and hit.group(2) else "") if hit else "?"
    ms = [e["ms"] for e in es]
    rows.append(f"| {k} | {len(ms)} | {statistics.median(ms):.1f} | {max(ms):.1f} | {buffers} | {', '.join(scans) or 'none'} | {len(indexes)}: {', '.join(indexes)} |")
    plans.append(f"### {k}\n\n```\n{plan}\n```\n")
table = "\n".join([
    f"Tables: {sizes}.", "",
    "| statement (EXPLAIN ANALYZE, BUFFERS via auto_explain) | runs | median ms | max ms | buffers (last run) | seq scans of a big table | indexes used |",
    "|---|---:|---:|---:|---|---|---|", *rows, "",
    "| request | ms (curl, end to end) | answer |", "|---|---:|---|", *http, "",
    "Gauge after the run:", "```", open(gauge).read().strip(), "```"])
print(table)
with open(out, "w") as f:
    f.write("# Attention list at scale (bench/attention.sh)\n\n" + table + "\n\n## Plans (the last run of each)\n\n" + "\n".join(plans))
PY
say "Written to $out"

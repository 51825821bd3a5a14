#!/usr/bin/env bash
# Where the API's CPU goes per postback (see bench/README.md, "Profiling postback ingestion").
# Sets up exactly what bench/run.sh's ingestion part uses (throwaway PostgreSQL with production
# durability, bench/sql/seed.sql, signed unique postbacks from the bench tool, the published API in
# Production with JSON logs to a file), then for each connection count:
#   1. a clean run of wrk (no tracer attached): postbacks/s and CPU of API / PostgreSQL / the rest,
#      hence API CPU milliseconds per postback; dotnet-counters records GC and thread-pool counters;
#   2. the same load with `dotnet-trace collect --profile dotnet-sampled-thread-time` attached; the trace is
#      converted to speedscope and summarised (top exclusive and inclusive frames, waits left out)
#      by bench/profile-summary.py.
# Everything it starts is stopped on exit. Outputs go to PROFILE_OUT (default /tmp/paykassma-profile.*).
#
# Knobs: PROFILE_SECONDS (per run, default 20), PROFILE_WARMUP (s at 32 connections first, default 20), PROFILE_CONNECTIONS ("8 32"), PROFILE_TRACE=0 (only
# the clean runs), PROFILE_REPEAT (clean runs per connection count, default 1), BENCH_API_DLL (another
# build of the API: compare two versions under the same conditions), PROFILE_OUT, PROFILE_PG_STATEMENTS=1
# (PostgreSQL's per-statement planning and execution time, WAL and buffers per call, at the end).
# Tools: dotnet-trace and dotnet-counters 10.0.750501 (installed as global tools when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/lib/postgres.sh
. bench/lib.sh
export PATH="$PATH:$HOME/.dotnet/tools"

seconds=${PROFILE_SECONDS:-20}
connections=${PROFILE_CONNECTIONS:-"8 32"}
trace=${PROFILE_TRACE:-1}
# dotnet-trace 10 moved "cpu-sampling" to `collect-linux` (kernel perf events); for `collect` the
# EventPipe sample profiler (every managed thread, ~100 Hz) is "dotnet-sampled-thread-time".
trace_profile=${PROFILE_TRACE_PROFILE:-dotnet-sampled-thread-time}
# PROFILE_TRACER=perf samples real CPU instead (Linux perf, 999 Hz, the API started with
# DOTNET_PerfMapEnabled=1 so JIT-compiled and ReadyToRun frames have names); the report lists
# self time by symbol and by library.
tracer=${PROFILE_TRACER:-dotnet-trace}
repeat=${PROFILE_REPEAT:-1}
warmup=${PROFILE_WARMUP:-20}
# An open-loop run at a fixed rate (bench paced, as bench/run.sh's latency part): the same work for
# every build, so its API CPU per postback compares builds even on a machine others are using. 0: none.
paced_rate=${PROFILE_PACED_RATE:-400}
bench_begin profile
out=${PROFILE_OUT:-$work/out}
mkdir -p "$out" "$work/bodies"
# The work directory holds the outputs (by default) and the API's log: kept, without the database and the bodies.
bench_keep_work=1
bench_on_exit() {
  rm -rf "$work/pg" "$work/bodies"
  echo "Outputs in $out (API log: $work/api.log)" >&2
}
wrk_results="$out/%s.json"
wrk_raw="$out/%s.wrk.txt"

for tool in dotnet-trace dotnet-counters; do
  command -v "$tool" >/dev/null || dotnet tool install -g "$tool" --version 10.0.750501 >/dev/null
done
pg_ensure_installed
ensure_wrk

say "Building the bench tool and publishing the API (ReadyToRun, as bench/run.sh)..."
build_tool_and_api

# PROFILE_PG_STATEMENTS=1: PostgreSQL's own view (pg_stat_statements with planning tracked), printed at the end.
pg_statements=${PROFILE_PG_STATEMENTS:-0}
pg_extra=()
[ "$pg_statements" = 1 ] && pg_extra=(-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on)
# shellcheck disable=SC2086
start_bench_postgres $bench_pg_settings "${pg_extra[@]}"

api_url="http://127.0.0.1:$(pg_free_port)"
perf_env=()
# W^X off too: with it, JIT-compiled code runs from an anonymous double mapping perf cannot name.
[ "$tracer" = perf ] && perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
start_api "${perf_env[@]}" || exit 1

# Enough unique postbacks for every run at up to 2500/s (a repeat would be a cheaper duplicate).
per_run=$(( seconds * 2500 ))
runs_per_c=$(( repeat + (trace == 1 ? 1 : 0) ))
sets="warmup:$(( warmup * 2500 ))"
total=$(( warmup * 2500 ))
for c in $connections; do
  for r in $(seq 1 "$runs_per_c"); do sets="$sets,c$c-$r:$per_run"; total=$(( total + per_run )); done
done
if [ "$paced_rate" -gt 0 ]; then
  for r in $(seq 1 "$repeat"); do sets="$sets,paced-$r:$(( (seconds + 3) * paced_rate ))"; total=$(( total + (seconds + 3) * paced_rate )); done
fi
say "Seeding $total deposits awaiting a postback and generating their signed postbacks..."
psql_merchant -v prefix=pmb_ -v first=1 -v last="$total" -f bench/sql/seed.sql
bench postbacks --out-dir "$work/bodies" --access-key "$access_key" --private-key "$private_key" --prefix pmb_ --sets "$sets" >/dev/null

summary() { # name: one line per run
  python3 - "$out/$1.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r.get("cpu", {})
rate = r["accepted_per_s"]
ms = lambda pct: pct / 100 * 1000 / rate if rate else float("nan")
print(f"{sys.argv[2]:>14}: {rate:7.1f} postbacks/s (non-2xx {r['non_2xx']}, repeats {r['repeated_bodies']}), "
      f"p50 {r['latency']['p50_ms']:.1f} ms p99 {r['latency']['p99_ms']:.1f} ms; CPU api {c.get('api_pct')}% pg {c.get('postgres_pct')}% "
      f"wrk {c.get('loadgen_pct')}% other {c.get('other_pct')}% -> API {ms(c.get('api_pct', 0)):.3f} ms, PG {ms(c.get('postgres_pct', 0)):.3f} ms CPU per postback")
PY
}

# Long enough for tiering to finish: for ~7 s after the first load the JIT re-compiles the hot
# ReadyToRun methods at tier 1 (dotnet.jit.compilation.time ~0.5-0.8 s/s), which a short warm-up
# leaves inside the first measured run.
say "Warm-up: ${warmup}s at 32 connections..."
run_wrk warmup 32 "$warmup" "$work/bodies/warmup.txt"

for c in $connections; do
  n=0
  for r in $(seq 1 "$repeat"); do
    n=$(( n + 1 ))
    say "Clean run $r, $c connections, ${seconds}s (dotnet-counters attached)..."
    dotnet-counters collect -p "$api_pid" --format csv -o "$out/c$c-$r.counters.csv" --duration "00:00:$(printf %02d "$seconds")" \
      --counters System.Runtime,Microsoft.AspNetCore.Hosting >/dev/null 2>&1 &
    counters_pid=$!
    run_wrk "c$c-$r" "$c" "$seconds" "$work/bodies/c$c-$n.txt"
    wait "$counters_pid" || true
    summary "c$c-$r" | tee -a "$out/summary.txt"
    rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted_per_s"])' "$out/c$c-$r.json")
    python3 bench/counters-summary.py "$out/c$c-$r.counters.csv" "$rate" | sed 's/^/      /' | tee -a "$out/summary.txt"
  done
  if [ "$trace" = 1 ]; then
    n=$(( n + 1 ))
    if [ "$tracer" = perf ]; then
      say "Traced run, $c connections, ${seconds}s (perf record, 999 Hz)..."
      perf record -F 999 -g -p "$api_pid" -o "$out/c$c.perf.data" -- sleep "$seconds" >"$out/c$c.trace.log" 2>&1 &
      trace_pid=$!
      run_wrk "c$c-traced" "$c" "$seconds" "$work/bodies/c$c-$n.txt"
      wait "$trace_pid" || true
      summary "c$c-traced" | tee -a "$out/summary.txt"
      { echo "== self time by library"; perf report -i "$out/c$c.perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -25 || true
        echo; echo "== self time by symbol"; perf report -i "$out/c$c.perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -80
      } >"$out/c$c.profile.txt" || true
      perf script -i "$out/c$c.perf.data" 2>/dev/null | python3 bench/profile-summary.py --perf-script - >>"$out/c$c.profile.txt" || true
    else
      say "Traced run, $c connections, ${seconds}s (dotnet-trace $trace_profile)..."
      dotnet-trace collect -p "$api_pid" --profile "$trace_profile" --duration "00:00:00:$(printf %02d "$seconds")" \
        -o "$out/c$c.nettrace" >"$out/c$c.trace.log" 2>&1 &
      trace_pid=$!
      sleep 1
      run_wrk "c$c-traced" "$c" "$seconds" "$work/bodies/c$c-$n.txt"
      wait "$trace_pid" || true
      summary "c$c-traced" | tee -a "$out/summary.txt"
      dotnet-trace convert --format speedscope -o "$out/c$c" "$out/c$c.nettrace" >/dev/null
      python3 bench/profile-summary.py "$out/c$c.speedscope.json" >"$out/c$c.profile.txt"
    fi
    say "Profile summary: $out/c$c.profile.txt"
  fi
done
for r in $(seq 1 "$repeat"); do
  [ "$paced_rate" -gt 0 ] || break
  say "Paced run $r: ${paced_rate}/s for ${seconds}s, 64 connections..."
  bench paced --url "$api_url" --bodies "$work/bodies/paced-$r.txt" --rate "$paced_rate" --duration "$seconds" --warmup 2 \
    --connections 64 --api-pid "$api_pid" --pg-pid "$pg_pid" --out "$out/paced-$r.json" >/dev/null
  python3 - "$out/paced-$r.json" "paced-$r" <<'PY' | tee -a "$out/summary.txt"
import json, sys
r = json.load(open(sys.argv[1])); c = r["cpu"]; rate = r["achieved_rate"]
print(f"{sys.argv[2]:>14}: {rate:7.1f} postbacks/s of {r['rate_target']} (non-ok {r['non_ok']}), p50 {r['latency']['p50_ms']:.1f} ms "
      f"p99 {r['latency']['p99_ms']:.1f} ms; CPU api {c['api_pct']}% pg {c['postgres_pct']}% load {c['loadgen_pct']}% other {c['other_pct']}% "
      f"-> API {c['api_pct'] / 100 * 1000 / rate:.3f} ms, PG {c['postgres_pct'] / 100 * 1000 / rate:.3f} ms CPU per postback")
PY
done
if [ "$pg_statements" = 1 ]; then
  psql_merchant -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  psql_merchant -P pager=off -c "SELECT calls, round(total_plan_time::numeric / calls, 3) AS plan_ms, plans,
      round(total_exec_time::numeric / calls, 3) AS exec_ms, round(shared_blks_hit::numeric / calls, 1) AS hits,
      round(wal_bytes::numeric / calls) AS wal_bytes, left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
    FROM pg_stat_statements WHERE calls > 100 ORDER BY total_exec_time + total_plan_time DESC LIMIT 8" | tee -a "$out/summary.txt"
fi
cat "$out/summary.txt"

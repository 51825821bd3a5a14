#!/usr/bin/env bash
# Just the footprint part of bench/run.sh (section 5), in ~30 s instead of 5+ minutes: a throwaway
# PostgreSQL configured as the bench configures it, a first start of the API that applies the
# migrations, then FOOTPRINT_RUNS restarts against the migrated database, each timed from process
# start to GET /health/ready answering 200; idle RSS is read 5 s after the last start. The API is
# started exactly as bench/run.sh's start_api starts it (same environment). The sandbox is not
# started: readiness only involves PostgreSQL, and no gateway call happens at start-up.
#
# Usage: bench/footprint.sh            (publishes the API as bench/run.sh does, unless BENCH_API_DLL is set)
# Knobs: FOOTPRINT_RUNS (default 5), BENCH_API_DLL (another build of the API), FOOTPRINT_KEEP_WORK=1,
# FOOTPRINT_HOLD=SECONDS keeps the idle API running that long at the end (to inspect it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. bench/lib.sh

runs=${FOOTPRINT_RUNS:-5}
# FOOTPRINT_KEEP_WORK=1 is this script's older name for BENCH_KEEP_WORK=1.
BENCH_KEEP_WORK=${BENCH_KEEP_WORK:-${FOOTPRINT_KEEP_WORK:-0}}
bench_begin footprint

pg_ensure_installed
[ -n "${BENCH_API_DLL:-}" ] || say "Publishing Release (ReadyToRun, as bench/run.sh and the Dockerfile do)..."
build_tool
publish_api

# shellcheck disable=SC2086
start_bench_postgres $bench_pg_settings
# The API is started as bench/run.sh starts it (start_api, bench/lib.sh: same environment).
api_url="http://127.0.0.1:$(pg_free_port)"

busy_before=$(busy_pct)
start_api
first_ready=$ready_time
stop_api
ready_times=()
ready_cpus=()
for i in $(seq 1 "$runs"); do
  start_api
  ready_times+=("$ready_time")
  ready_cpus+=("$ready_cpu")
  if [ "$i" -lt "$runs" ]; then stop_api; fi
done
sleep 5
idle_rss=$(rss_mb "$api_pid")
busy_after=$(busy_pct) # the API is idle now, so this is everyone else
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "first_ready_s=$first_ready ready_median_s=$(median "${ready_times[@]}") ready_all=\"${ready_times[*]}\" ready_cpu_median_s=$(median "${ready_cpus[@]}") idle_rss_mb=$idle_rss busy_before_pct=$busy_before busy_after_pct=$busy_after"
if [ "${FOOTPRINT_HOLD:-0}" -gt 0 ]; then # keep the idle API up for a look (dotnet-counters, /proc/PID/smaps)
  say "API pid $api_pid at $api_url, held for ${FOOTPRINT_HOLD} s"
  sleep "$FOOTPRINT_HOLD"
fi

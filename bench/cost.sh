#!/usr/bin/env bash
# Where the postback statement's time goes in PostgreSQL (bench/README.md, "The postback's cost, part
# by part"). Sets up what bench/run.sh's ingestion uses (durable PostgreSQL, bench/sql/seed.sql, signed
# unique postbacks, the published API in Production), settles the database with a warm-up, then runs
# the service (wrk) and the floor (pgbench, bench/sql/floor.sql) at the same connection count with
# auto_explain (ANALYZE, BUFFERS, triggers, a sample of the executions) and pg_stat_statements
# (planning tracked, nested statements too) on, and reads per index the blocks its upkeep touched.
# bench/cost-summary.py turns that into one table: each part of the statement (every CTE, each
# trigger, the planning), what it costs per postback, for the service and for the floor.
#
# The sampled executions pay auto_explain's timing (clock reads per plan node), so its absolute times
# are higher than bench/run.sh's; the shares and the buffer counts are what to read.
#
# Knobs: COST_SECONDS (per measured run, default 20), COST_CONNECTIONS (default 8), COST_SAMPLE (share
# of executions explained, default 0.1), COST_WARMUP (postbacks for the 20 s warm-up, default 30000), BENCH_API_DLL
# (another build), COST_EXTRA_ENV ("VAR=value ..." for the API), COST_OUT (output file, default
# bench/results/cost-<time>.md).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/lib/postgres.sh
. bench/lib.sh

seconds=${COST_SECONDS:-20}
connections=${COST_CONNECTIONS:-8}
sample=${COST_SAMPLE:-0.1}
warmup_count=${COST_WARMUP:-30000}
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
result=${COST_OUT:-$repo/bench/results/cost-$stamp.md}
bench_begin cost
mkdir -p "$work/bodies" "$work/raw"

pg_ensure_installed
ensure_wrk
say "Building the bench tool and publishing the API..."
build_tool_and_api

# auto_explain is loaded but silent (-1) until the measured runs turn it on for their sessions. Nested
# statements (the trigger's) are not explained: writing their plans to the log would be timed inside
# the trigger; pg_stat_statements (track=all) gives their cost instead.
# shellcheck disable=SC2086
start_bench_postgres $bench_pg_settings \
  -c shared_preload_libraries=pg_stat_statements,auto_explain -c pg_stat_statements.track_planning=on \
  -c pg_stat_statements.track=all -c auto_explain.log_min_duration=-1 -c auto_explain.log_analyze=on \
  -c auto_explain.log_buffers=on -c auto_explain.log_triggers=on -c auto_explain.log_timing=on \
  -c auto_explain.log_nested_statements=off -c auto_explain.log_format=json -c "log_line_prefix='%m [%p] '"
psql_merchant -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"

api_url="http://127.0.0.1:$(pg_free_port)"
# shellcheck disable=SC2086
start_api ${COST_EXTRA_ENV:-} || exit 1

per_run=$(( seconds * 2500 ))
total=$(( warmup_count + per_run ))
say "Seeding $total deposits for the service and $(( per_run + 1000 )) for the floor..."
psql_merchant -v prefix=pmb_ -v first=1 -v last="$total" -f bench/sql/seed.sql
psql_merchant -v prefix=pmf_ -v number_base=500000000000 -v first=1 -v last="$(( per_run + 1000 ))" -f bench/sql/seed.sql
psql_merchant -c "CREATE SEQUENCE IF NOT EXISTS bench_floor_seq"
bench postbacks --out-dir "$work/bodies" --access-key "$access_key" --private-key "$private_key" --prefix pmb_ \
  --sets "warmup:$warmup_count,measured:$per_run" >/dev/null
postback_lengths "$work/bodies/warmup.txt"

reset_stats() { psql_merchant -c "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null; }
# Blocks touched per index and rows written per table since the last reset (after a short wait:
# the statistics collector flushes each backend's counters at most every 500 ms when it is idle).
index_stats() {
  sleep 1.5
  psql_merchant -AtF $'\t' -c "SELECT 'index', s.relname, s.indexrelname, s.idx_blks_hit + s.idx_blks_read FROM pg_statio_user_indexes s
      WHERE s.idx_blks_hit + s.idx_blks_read > 0
    UNION ALL SELECT 'table', relname, '', n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd > 0" >"$work/raw/$1.indexes.tsv"
}
statements() {
  psql_merchant -AtF $'\t' -c "SELECT calls, plans, total_plan_time, total_exec_time, shared_blks_hit + shared_blks_read, wal_bytes,
      toplevel, left(regexp_replace(query, '\s+', ' ', 'g'), 120)
    FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time DESC LIMIT 20" >"$work/raw/$1.statements.tsv"
}

say "Warm-up: 20 s at 32 connections (the database the measured runs meet, a JIT at tier 1)..."
run_wrk warmup 32 20 "$work/bodies/warmup.txt"

# The service's connections were opened before auto_explain was turned on: a new pool is started.
settle
psql_merchant -c "ALTER DATABASE merchant SET auto_explain.log_min_duration = 0" \
  -c "ALTER DATABASE merchant SET auto_explain.sample_rate = $sample"
stop_api
# shellcheck disable=SC2086
start_api ${COST_EXTRA_ENV:-} || exit 1
curl -fs -o /dev/null "$api_url/health/ready"
reset_stats
log_start=$(wc -l <"$work/pg/postgres.log")
say "Service: ${seconds}s at $connections connections, auto_explain on $sample of executions..."
run_wrk service "$connections" "$seconds" "$work/bodies/measured.txt"
statements service
index_stats service
tail -n +"$(( log_start + 1 ))" "$work/pg/postgres.log" >"$work/raw/service.log"

settle
reset_stats
log_start=$(wc -l <"$work/pg/postgres.log")
say "Floor: ${seconds}s at $connections clients, auto_explain on $sample of executions..."
"$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$connections" -j 1 -T "$seconds" \
  -D bodylen="$body_len" -D itemlen="$item_len" -f bench/sql/floor.sql merchant >"$work/raw/floor.txt" 2>&1
statements floor
index_stats floor
tail -n +"$(( log_start + 1 ))" "$work/pg/postgres.log" >"$work/raw/floor.log"

mkdir -p "$(dirname "$result")"
python3 bench/cost-summary.py --raw "$work/raw" --connections "$connections" --sample "$sample" \
  --build "$(git rev-parse --short HEAD)${BENCH_API_DLL:+ (API: $BENCH_API_DLL)}${COST_EXTRA_ENV:+ env: $COST_EXTRA_ENV}" >"$result"
cat "$result"
say "Written to $result"

#!/usr/bin/env bash
# What the deposit-change trigger (ADR 0013) costs the postback path: the same postbacks with the
# trigger enabled and disabled, alternating, on one durable PostgreSQL with pg_stat_statements, the
# published API in Production listening (so every NOTIFY has a listener to deliver to, as deployed).
# Per run: the postback statement's mean execution time (pg_stat_statements), accepted postbacks/s
# (wrk, closed loop), and the floor statement of bench/sql/floor.sql (pgbench), whose deposit UPDATE
# fires the trigger too: at 1 client (the statement's own cost, without the service's noise) and at
# the wrk connection count (commits together: a transaction that NOTIFYs holds a database-wide lock
# from before its commit record until it is flushed, so such commits cannot share a flush), with
# the share of pgbench sessions seen waiting on that lock (Lock:object). About 6 minutes. Knobs: TRIGGER_ROUNDS (pairs, default 3), TRIGGER_SECONDS (per run, default 10),
# TRIGGER_CONNECTIONS (wrk, default 8). Prints one line per run and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. bench/lib.sh

rounds=${TRIGGER_ROUNDS:-3}
seconds=${TRIGGER_SECONDS:-10}
connections=${TRIGGER_CONNECTIONS:-8}
bench_begin trigger
mkdir -p "$work/bodies" "$work/raw" "$work/results"
wrk_results="$work/results/%s.json"

pg_ensure_installed
ensure_wrk
say "machine busy before: $(busy_pct)% of $(( $(nproc) * 100 ))%"
say "Building (bench tool, API published in Release)..."
build_tool_and_api

# shellcheck disable=SC2086
start_bench_postgres $bench_pg_settings -c shared_preload_libraries=pg_stat_statements
psql_merchant -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
api_url="http://127.0.0.1:$(pg_free_port)"
start_api
[ "$(psql_merchant -Atc "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'paykassma-merchant deposit-changes'")" = 1 ] \
  || { echo "The API's deposit change listener is not connected" >&2; exit 1; }

per_run=$(( seconds * 3000 ))
warmup=20000
sets="warmup:$warmup"
total=$warmup
for r in $(seq 1 "$rounds"); do for m in on off; do sets="$sets,r$r$m:$per_run"; total=$(( total + per_run )); done; done
floor_total=$(( rounds * 2 * seconds * 2500 ))
say "Seeding $total deposits with forwarded proofs (and $floor_total for the floor); signing the postbacks..."
psql_merchant -v prefix=pmb_ -v first=1 -v last="$total" -f bench/sql/seed.sql
psql_merchant -v prefix=pmf_ -v number_base=500000000000 -v first=1 -v last="$floor_total" -f bench/sql/seed.sql
psql_merchant -c "CREATE SEQUENCE IF NOT EXISTS bench_floor_seq"
bench postbacks --out-dir "$work/bodies" --access-key "$access_key" --private-key "$private_key" --prefix pmb_ --sets "$sets"
postback_lengths "$work/bodies/warmup.txt"

stmt_ms() { # mean execution ms of the statements starting with $1 since the last reset
  psql_merchant -Atc "SELECT round((sum(total_exec_time) / greatest(sum(calls), 1))::numeric, 3) FROM pg_stat_statements WHERE query LIKE '$1%'"
}
# The trigger writes deposit_changes: settled with the rest.
settle_all() { settle deposit_changes; }
rate_of() { # name bodies: run_wrk at the run's connections for the run's seconds; prints accepted postbacks/s
  run_wrk "$1" "$connections" "$seconds" "$2"
  python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["accepted_per_s"]))' "$work/results/$1.json"
}

say "Warm-up: 20 s of postbacks..."
BENCH_BODIES=$work/bodies/warmup.txt BENCH_THREADS=1 wrk -t1 -c32 -d20s --timeout 10s -s bench/wrk/postback.lua "$api_url" >/dev/null

floor() { # clients: prints "tps mean_statement_ms share_waiting_on_Lock:object"
  psql_merchant -c "SELECT pg_stat_statements_reset()" >/dev/null
  "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$1" -j 1 -T "$seconds" \
    -D bodylen="$body_len" -D itemlen="$item_len" -f bench/sql/floor.sql merchant >"$work/raw/floor.txt" 2>&1 &
  local pgbench_pid=$! waits=0 seen=0 sample
  sleep 1
  for _ in $(seq 1 $(( (seconds - 2) * 5 ))); do
    sample=$(psql_merchant -Atc "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'object') || ' ' || count(*)
      FROM pg_stat_activity WHERE application_name = 'pgbench' AND state = 'active'")
    waits=$(( waits + ${sample% *} )); seen=$(( seen + ${sample#* } ))
    sleep 0.2
  done
  wait "$pgbench_pid"
  echo "$(awk '/^tps/ {printf "%d", $3}' "$work/raw/floor.txt") $(stmt_ms "WITH n AS") $(python3 -c "print(round($waits / max($seen, 1), 2))")"
}

echo "round trigger postback_stmt_ms accepted_per_s floor1_tps floor1_stmt_ms floor1_lockwait floor${connections}_tps floor${connections}_stmt_ms floor${connections}_lockwait"
lines=()
for r in $(seq 1 "$rounds"); do
  # Alternate which goes first, so a drift of the machine does not favour one side.
  order="on off"; [ $(( r % 2 )) -eq 0 ] && order="off on"
  for m in $order; do
    if [ "$m" = on ]; then psql_merchant -c "ALTER TABLE deposits ENABLE TRIGGER deposits_record_changes"
    else psql_merchant -c "ALTER TABLE deposits DISABLE TRIGGER deposits_record_changes"; fi
    settle_all
    psql_merchant -c "SELECT pg_stat_statements_reset()" >/dev/null
    rate=$(rate_of "r$r$m" "$work/bodies/r$r$m.txt")
    service_ms=$(stmt_ms "WITH incoming AS")
    settle_all
    one=$(floor 1)
    settle_all
    many=$(floor "$connections")
    line="$r $m $service_ms $rate $one $many"
    echo "$line"
    lines+=("$line")
  done
done
psql_merchant -c "ALTER TABLE deposits ENABLE TRIGGER deposits_record_changes"
printf '%s\n' "${lines[@]}" | python3 -c '
import sys, statistics as s
rows = [l.split() for l in sys.stdin if l.strip()]
for m in ("on", "off"):
    r = [x for x in rows if x[1] == m]
    med = lambda i: s.median(float(x[i]) for x in r)
    print(f"median, trigger {m}: postback statement {med(2):.3f} ms, {med(3):.0f} accepted/s;"
          f" floor at 1 client {med(4):.0f} tps, {med(5):.3f} ms, lock waits {med(6):.2f};"
          f" floor at {sys.argv[1]} clients {med(7):.0f} tps, {med(8):.3f} ms, lock waits {med(9):.2f}")
' "$connections"
echo "changes recorded: $(psql_merchant -Atc 'SELECT count(*) FROM deposit_changes')"

#!/usr/bin/env bash
# The merchant service's benchmarks, end to end, in one command (see bench/README.md):
# builds Release, starts a throwaway PostgreSQL with production durability, the sandbox gateway and
# the API in Production, measures postback ingestion (against a pgbench floor), latency at a fixed
# rate, proof uploads, deposit creation overhead and the footprint, prints the table and writes it to
# bench/results/ (and into bench/README.md). Everything it starts is stopped on exit, even on failure.
#
# Knobs (environment): BENCH_DURATION (s per ingestion run, default 10), BENCH_CONNECTIONS
# ("8 32 64"), BENCH_KEEP_WORK=1 keeps the work directory (logs, raw outputs) for a look afterwards,
# BENCH_NO_README=1 leaves README.md alone, BENCH_API_DLL runs another build of the API (to compare
# two versions under the same conditions), BENCH_ONLY=deposits stops after the footprint and the
# deposit creation measure (a 1-minute loop for work on that path; no table), BENCH_GROUP_COMMIT=0 or 1
# runs the API with group commit off or on (Postbacks:GroupCommit:Enabled, on by default; the header says which),
# BENCH_PACED_RATE sets section 2's rate instead of half the best one (to compare two builds at one rate).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/lib/postgres.sh
. bench/lib.sh

run_started=$(date +%s)
duration=${BENCH_DURATION:-10}
connections=${BENCH_CONNECTIONS:-"8 32 64"}
bench_begin bench
bench_work_note="logs: api.log, sandbox.log, raw/"
out="$work/results"
mkdir -p "$out" "$work/bodies" "$work/raw"
# run_wrk's results (bench/lib.sh) are this run's; wrk's raw output stays in $work/raw.
wrk_results="$out/%s.json"

# ---- tools ---------------------------------------------------------------------------------------
pg_ensure_installed
ensure_wrk

# Other work on the machine skews every number: measure how busy it is before we start.
background_busy=$(busy_pct)
if [ "$background_busy" -gt 20 ]; then
  say "WARNING: the machine is already ${background_busy}% busy (of $(( $(nproc) * 100 ))%) before the bench: results will be low and noisy."
fi

say "Building Release (API, sandbox, bench tool)..."
build_sandbox
# The API is published as the Dockerfile publishes it, so start-up is measured for what is deployed
# rather than for a JIT-only build output.
build_tool_and_api

# ---- PostgreSQL: fsync, synchronous_commit and full_page_writes at their defaults (on) ------------
pg_port=$(pg_free_port)
# pg_stat_statements with planning tracked: per run, how often the postback statement (and the floor's)
# was planned and what one execution cost (section 1's second table). Both sides pay its per-call cost.
pg_settings="$bench_pg_settings -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
say "Starting PostgreSQL on 127.0.0.1:$pg_port (fsync=on, synchronous_commit=on)..."
# shellcheck disable=SC2086
start_bench_postgres $pg_settings
psql_merchant -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
# statement_stats PATTERN: calls, plans, planning and execution ms per call, buffer hits per call of
# the statements whose text starts with PATTERN, since the last pg_stat_statements_reset().
statement_stats() {
  psql_merchant -Atc "SELECT 'pg_calls=' || sum(calls) || ' pg_plans=' || sum(plans)
      || ' pg_plan_ms=' || round((sum(total_plan_time) / greatest(sum(calls), 1))::numeric, 3)
      || ' pg_exec_ms=' || round((sum(total_exec_time) / greatest(sum(calls), 1))::numeric, 3)
      || ' pg_hits=' || round(sum(shared_blks_hit)::numeric / greatest(sum(calls), 1), 1)
    FROM pg_stat_statements WHERE query LIKE '$1%'"
}
[ "$(psql_merchant -Atc 'SHOW fsync')" = on ] && [ "$(psql_merchant -Atc 'SHOW synchronous_commit')" = on ] \
  || { echo "PostgreSQL is not durable as configured" >&2; exit 1; }

# ---- the sandbox gateway (postbacks off: no PostbackUrl) and the API, both in Production ----------
start_sandbox
api_url="http://127.0.0.1:$(pg_free_port)"
gateway_url=$sandbox_url

# ---- 5. footprint: a first start applies the migrations, then three ordinary restarts -------------
say "Footprint: start to /health/ready..."
start_api
first_ready=$ready_time
stop_api
ready_times=()
for _ in 1 2 3; do
  start_api
  ready_times+=("$ready_time")
  if [ ${#ready_times[@]} -lt 3 ]; then stop_api; fi
done
ready_median=$(printf '%s\n' "${ready_times[@]}" | sort -n | sed -n 2p)
sleep 5
idle_rss=$(rss_mb "$api_pid")
say "  first start ${first_ready}s, restarts ${ready_times[*]}s, idle RSS ${idle_rss} MB"
bench record --out "$out/footprint.json" -- first_ready_s="$first_ready" ready_s="$ready_median" \
  ready_all="${ready_times[*]}" idle_rss_mb="$idle_rss" >/dev/null

# ---- 3. proof uploads, 8 at a time (before the ingestion data is seeded: see the probes below) ----
token=$(bench token --key "$jwt_key" --issuer "$jwt_issuer" --audience "$jwt_audience" --sub bench-uploader)
base=200000000000
for size in 1 5; do
  [ "${BENCH_ONLY:-}" = deposits ] && break
  say "Proof uploads, ${size} MB, 8 concurrent, 10 s..."
  rss_before=$(rss_mb "$api_pid")
  bench uploads --url "$api_url" --token "$token" --size $(( size * 1024 * 1024 )) --concurrency 8 --duration 10 \
    --deposits 64 --number-base "$base" --watch-pid "$api_pid" --api-pid "$api_pid" --pg-pid "$pg_pid" \
    --out "$out/upload-${size}mb.json" >/dev/null
  bench record --out "$out/upload-${size}mb.json" -- rss_before_mb="$rss_before" >/dev/null
  base=$(( base + 100000000 ))
done

# ---- 4. deposit creation overhead ----------------------------------------------------------------
say "Deposit creation: 500 through the API and 500 straight to the sandbox, alternating..."
creator_token=$(bench token --key "$jwt_key" --issuer "$jwt_issuer" --audience "$jwt_audience" --sub bench-creator)
bench deposits --url "$api_url" --sandbox "$sandbox_url" --secret "$plugin_secret" --token "$creator_token" \
  --label bench-creator --count 500 --warmup 100 --out "$out/deposits.json" >/dev/null
if [ "${BENCH_ONLY:-}" = deposits ]; then cat "$out/deposits.json"; echo; exit 0; fi

# What one durable commit costs here, for comparison: creating a deposit has to wait for one.
psql_merchant -c "CREATE TABLE IF NOT EXISTS bench_commit_probe (x int)"
echo "INSERT INTO bench_commit_probe VALUES (1);" >"$work/commit.sql"
bench measure --kind pgbench --raw-out "$work/raw/commit.txt" --pg-pid "$pg_pid" --pgbench-log-prefix "$work/raw/commit-log" \
  --out "$out/commit.json" -- "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c 1 -j 1 -T 5 \
  -f "$work/commit.sql" --log --log-prefix "$work/raw/commit-log" merchant >/dev/null

# A fresh API process for the ingestion runs: memory the uploads took is not returned to the OS at
# once, and "RSS under ingestion load" should be about ingestion.
stop_api
start_api

# ---- data: deposits awaiting postbacks, and the postbacks themselves -----------------------------
# Enough unique postbacks for the fastest rate this machine can reach; a run that ran out would say
# so (repeated_bodies) and its repeats would be answered as duplicates.
per_run=$(( duration * 4000 ))
warmup_count=20000
paced_count=$(( 30 * 2500 ))  # 20 s measured after up to 10 s of warm-up (the generator's JIT)
service_total=$warmup_count
sets="warmup:$warmup_count"
for c in $connections; do sets="$sets,c$c:$per_run"; service_total=$(( service_total + per_run )); done
sets="$sets,paced:$paced_count"; service_total=$(( service_total + paced_count ))
# The floor's closed-loop runs, then its run at the paced rate (at most 2500/s for 30 s).
floor_total=$(( per_run * $(echo "$connections" | wc -w) + 4000 + 30 * 2500 ))
say "Seeding $service_total deposits awaiting a postback (and $floor_total for the floor)..."
psql_merchant -v prefix=pmb_ -v first=1 -v last="$service_total" -f bench/sql/seed.sql
psql_merchant -v prefix=pmf_ -v number_base=500000000000 -v first=1 -v last="$floor_total" -f bench/sql/seed.sql
psql_merchant -c "CREATE SEQUENCE IF NOT EXISTS bench_floor_seq"
say "Generating $service_total signed postbacks..."
bench postbacks --out-dir "$work/bodies" --access-key "$access_key" --private-key "$private_key" --prefix pmb_ --sets "$sets"
postback_lengths "$work/bodies/warmup.txt"

# PostgreSQL's CPU per accepted postback (the service) and per transaction (the floor), per run.
pg_cpu_rows=()
per_postback_ms() { python3 -c "import sys; n=int(sys.argv[2]); print(f'{int(sys.argv[1]) / n:.3f}' if n > 0 else 'n/a')" "$1" "$2"; }

accepted_count() { psql_merchant -Atc "SELECT count(*) FILTER (WHERE outcome = 'accepted'), count(*) FILTER (WHERE outcome <> 'accepted') FROM postbacks"; }

# Every measured run, the service's and the floor's, starts from the same settled database (settle,
# bench/lib.sh): it was mostly the service's runs, which go first, that paid the previous run's vacuum.

# ---- 1. ingestion: the service with wrk, then the floor with pgbench, per connection count --------
# 20 s: the runtime re-compiles the hot paths at tier 1 for ~7 s after load starts (see Profiling).
say "Warm-up: 20 s of postbacks at 32 connections..."
run_wrk warmup 32 20 "$work/bodies/warmup.txt"
for c in $connections; do
  settle
  psql_merchant -c "SELECT pg_stat_statements_reset()" >/dev/null
  before=$(accepted_count)
  cpu_before=$(pg_cpu_ms "$pg_pid")
  say "Ingestion, $c connections, ${duration}s..."
  run_wrk "ingest-c$c" "$c" "$duration" "$work/bodies/c$c.txt"
  cpu_service=$(( $(pg_cpu_ms "$pg_pid") - cpu_before ))
  after=$(accepted_count)
  service_cpu_per=$(per_postback_ms "$cpu_service" $(( ${after%|*} - ${before%|*} )))
  # shellcheck disable=SC2046
  bench record --out "$out/ingest-c$c.json" -- $(statement_stats "WITH incoming AS") db_accepted_delta=$(( ${after%|*} - ${before%|*} )) \
    db_other_delta=$(( ${after#*|} - ${before#*|} )) pg_cpu_ms=$cpu_service pg_cpu_ms_per_postback="$service_cpu_per" >/dev/null
  settle
  say "Floor (pgbench, same writes in one statement), $c clients, ${duration}s..."
  psql_merchant -c "SELECT pg_stat_statements_reset()" >/dev/null
  rm -f "$work/raw/floor-c$c-log".*
  cpu_before=$(pg_cpu_ms "$pg_pid")
  bench measure --kind pgbench --raw-out "$work/raw/floor-c$c.txt" --pg-pid "$pg_pid" \
    --pgbench-log-prefix "$work/raw/floor-c$c-log" --out "$out/floor-c$c.json" -- \
    "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$c" -j 1 -T "$duration" \
    -D bodylen="$body_len" -D itemlen="$item_len" -f bench/sql/floor.sql \
    --log --log-prefix "$work/raw/floor-c$c-log" merchant >/dev/null
  cpu_floor=$(( $(pg_cpu_ms "$pg_pid") - cpu_before ))
  floor_transactions=$(awk -F': ' '/number of transactions actually processed/ {split($2, n, "/"); print n[1]}' "$work/raw/floor-c$c.txt")
  floor_cpu_per=$(per_postback_ms "$cpu_floor" "${floor_transactions:-0}")
  # shellcheck disable=SC2046
  bench record --out "$out/floor-c$c.json" -- $(statement_stats "WITH n AS") pg_cpu_ms=$cpu_floor \
    pg_cpu_ms_per_transaction="$floor_cpu_per" >/dev/null
  pg_cpu_rows+=("| $c | $service_cpu_per | $floor_cpu_per |")
done

# ---- 2. latency at half the maximum rate, open loop ----------------------------------------------
max_rate=$(for c in $connections; do python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted_per_s"])' "$out/ingest-c$c.json"; done | sort -n | tail -n 1)
half_rate=${BENCH_PACED_RATE:-$(python3 -c "print(int(float('$max_rate') / 2))")}
# How many postbacks shared each group commit meanwhile, from the API's own histogram (none: a build before it).
batch_counts() { curl -fs "$api_url/metrics" | awk '/^paykassma_postbacks_batch_size_(sum|count)/ {v[$1 ~ /_sum/ ? "s" : "c"] = $NF} END {printf "%d %d", v["s"], v["c"]}'; }
batches_before=$(batch_counts || echo "0 0")
# What PostgreSQL did besides the run, which decides the seconds a p99 is made of (bench/README.md,
# "Where the fixed-rate p99's spikes come from"): full-page images written (many right after settle's
# checkpoint) and autovacuum / autoanalyze runs that ended meanwhile. background_since BEFORE: the
# differences since a background_now, as key=value pairs for bench record.
background_now() { psql_merchant -Atc "SELECT (SELECT wal_fpi FROM pg_stat_wal), coalesce(sum(autovacuum_count), 0), coalesce(sum(autoanalyze_count), 0) FROM pg_stat_user_tables" | tr '|' ' '; }
background_since() {
  # shellcheck disable=SC2046,SC2086
  python3 -c "import sys; a=list(map(int,sys.argv[1:4])); b=list(map(int,sys.argv[4:7])); print(f'full_page_images={b[0]-a[0]} autovacuums={b[1]-a[1]} autoanalyzes={b[2]-a[2]}')" $1 $(background_now)
}
# Settled too (see settle): the closed-loop runs above left their vacuum debt on purpose.
settle
say "Fixed rate: $half_rate/s (half of $max_rate/s) for 20 s..."
background_before=$(background_now)
bench paced --url "$api_url" --bodies "$work/bodies/paced.txt" --rate "$half_rate" --duration 20 --warmup 2 \
  --connections 64 --api-pid "$api_pid" --pg-pid "$pg_pid" --out "$out/paced.json" >/dev/null
batches_after=$(batch_counts || echo "0 0")
# shellcheck disable=SC2046
bench record --out "$out/paced.json" -- mean_batch="$(python3 -c "import sys; s0,c0,s1,c1=map(int,sys.argv[1:]); print(round((s1-s0)/(c1-c0),2) if c1>c0 else 'n/a')" $batches_before $batches_after)" \
  $(background_since "$background_before") >/dev/null
# The floor at the same rate: what PostgreSQL alone gives there, one transaction per postback. 8
# clients, the floor's best count (at 64 it cannot keep up with this rate and queues for seconds);
# 20 s after as many dropped as the generator warmed up for (2 s, and more until its JIT was quiet),
# so both are measured from the same distance to the settling checkpoint.
warmed=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['warmup_s']))" "$out/paced.json")
settle
say "Floor at $half_rate/s (pgbench -R, 8 clients) for 20 s..."
rm -f "$work/raw/floor-paced-log".*
background_before=$(background_now)
bench measure --kind pgbench --raw-out "$work/raw/floor-paced.txt" --pg-pid "$pg_pid" --skip-seconds "$warmed" \
  --pgbench-log-prefix "$work/raw/floor-paced-log" --out "$out/floor-paced.json" -- \
  "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c 8 -j 1 -T $(( warmed + 20 )) -R "$half_rate" \
  -D bodylen="$body_len" -D itemlen="$item_len" -f bench/sql/floor.sql \
  --log --log-prefix "$work/raw/floor-paced-log" merchant >/dev/null
# shellcheck disable=SC2046
bench record --out "$out/floor-paced.json" -- $(background_since "$background_before") >/dev/null

# ---- probes: per-request queries whose cost grows with the tables (seen while profiling) ---------
# ProofSubmitter counts a deposit's proofs (it scanned every proof before proofs (deposit_id,
# created_at) was indexed); QueueSnapshot counts the open deposits by status and the undelivered money
# events every 15 s (no ledger here, so every event of the run is still pending: a ledger outage's
# backlog). Timed once each on the tables as the ingestion left them; the gauges' text is the service's
# own, from the SQL snapshot the tests keep in step with it, at the default Metrics:CountLimit.
probe_ms() { psql_merchant -Atc "EXPLAIN (ANALYZE, FORMAT JSON) $1" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)[0]["Execution Time"], 1))'; }
gauge_sql() {
  python3 - "$1" tests/Paykassma.Merchant.Api.Tests/Persistence/Snapshots/QueueSnapshot.sql <<'PY'
import re, sys
sections = re.split(r"^-- (.+) --$", open(sys.argv[2]).read(), flags=re.M)
print(next(text for name, text in zip(sections[1::2], sections[2::2]) if name == f"gauge {sys.argv[1]}").strip().replace("$1", "10000"))
PY
}
any_deposit=$(psql_merchant -Atc "SELECT deposit_id FROM proofs LIMIT 1")
bench record --out "$out/probes.json" -- \
  proofs_rows="$(psql_merchant -Atc 'SELECT count(*) FROM proofs')" \
  deposits_rows="$(psql_merchant -Atc 'SELECT count(*) FROM deposits')" \
  proof_count_ms="$(probe_ms "SELECT count(*)::int FROM proofs AS p WHERE p.deposit_id = '$any_deposit'")" \
  open_deposits_rows="$(psql_merchant -Atc "SELECT count(*) FROM deposits WHERE status IN ('awaiting_payment', 'proof_submitted', 'pending_confirmation')")" \
  deposits_by_status_ms="$(probe_ms "$(gauge_sql DepositGauges)")" \
  pending_events_rows="$(psql_merchant -Atc "SELECT count(*) FROM outbox_events WHERE status IN ('pending', 'delivering')")" \
  events_pending_ms="$(probe_ms "$(gauge_sql EventGauges)")" >/dev/null

sleep 5
bench record --out "$out/footprint.json" -- idle_rss_after_mb="$(rss_mb "$api_pid")" >/dev/null

# ---- the table -----------------------------------------------------------------------------------
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
case "${BENCH_GROUP_COMMIT:-}" in
  1) group_commit=on; group_commit_label="BENCH_GROUP_COMMIT=1 " ;;
  0) group_commit=off; group_commit_label="BENCH_GROUP_COMMIT=0 " ;;
  *) group_commit="the service's default (on since ADR 0022; a build before it has none)"; group_commit_label="" ;;
esac
bench record --out "$out/meta.json" -- \
  date="$(date -u '+%Y-%m-%d %H:%M UTC')" command="${group_commit_label}bench/run.sh" group_commit="$group_commit" runtime_s=$(( $(date +%s) - run_started )) \
  commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo '+changes')${BENCH_API_DLL:+, API from $BENCH_API_DLL}${BENCH_LABEL:+ ($BENCH_LABEL)}" \
  nproc="$(nproc)" memory="$(free -g | awk '/^Mem:/ {print $2 " GiB"}')" \
  cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" kernel="Linux $(uname -r)" \
  dotnet="$(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v=$2} END {print v}')" \
  postgres="$("$pg_bin/postgres" --version | awk '{print $3}')" \
  background_busy_pct="$background_busy" pg_settings="fsync=on, synchronous_commit=on, full_page_writes=on, ${pg_settings//-c /}" >/dev/null
mkdir -p bench/results/"$stamp"
cp "$out"/*.json bench/results/"$stamp"/
bench report --dir "$out" --out bench/results/"$stamp".md >/dev/null
{
  echo
  echo "Postbacks stored with group commit: **$group_commit** (Postbacks:GroupCommit:Enabled; BENCH_GROUP_COMMIT=0 or 1 sets it)."
  echo
  echo "PostgreSQL CPU ms (user + system, all its processes, from /proc) per accepted postback (service) and per transaction (floor):"
  echo
  echo "| connections | service | floor |"
  echo "|---|---|---|"
  printf '%s\n' "${pg_cpu_rows[@]}"
} >>bench/results/"$stamp".md
cp bench/results/"$stamp".md bench/results/latest.md
if [ "${BENCH_NO_README:-0}" != 1 ] && grep -q '<!-- results:start -->' bench/README.md; then
  python3 - "$stamp" <<'PY'
import sys
readme = open("bench/README.md").read()
table = open(f"bench/results/{sys.argv[1]}.md").read()
start, end = "<!-- results:start -->", "<!-- results:end -->"
head, rest = readme.split(start, 1)
_, tail = rest.split(end, 1)
open("bench/README.md", "w").write(f"{head}{start}\n{table}\n{end}{tail}")
PY
fi
cat bench/results/"$stamp".md
say "Done in $(( $(date +%s) - run_started )) s; table in bench/results/$stamp.md"

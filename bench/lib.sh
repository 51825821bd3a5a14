# The bench scripts' one preamble (sourced after scripts/lib/postgres.sh): the work directory and the
# trap that stops everything a script started (bench_begin), progress lines (say), the throwaway
# PostgreSQL (start_bench_postgres, psql_merchant, settle), the builds (build_tool, build_tool_and_api,
# build_sandbox), the sandbox and the API as processes (start_sandbox, start_api, stop_api: through
# the bench tool's serve and the test kit) and the postback load (ensure_wrk, postback_lengths,
# run_wrk). A script keeps only what it measures.

# A progress line on stderr, stamped with the time (stdout is the script's result).
say() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# bench_begin NAME: the work directory $work (/tmp/paykassma-NAME.XXXXXX, readable by the postgres
# user) and the trap that, however the script ends, stops the API, the sandbox and PostgreSQL
# (bench_cleanup). The work directory is kept when the script fails or with BENCH_KEEP_WORK=1
# (bench_work_note says what a person finds in it), and always when the script sets
# bench_keep_work=1 (its outputs are there). A function bench_on_exit, if the script defines one,
# runs after the processes are stopped.
bench_begin() {
  work=$(mktemp -d "/tmp/paykassma-$1.XXXXXX")
  chmod 755 "$work"
  api_pid=""
  sandbox_pid=""
  api_serve_pid=""
  sandbox_serve_pid=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  local status=$?
  stop_pid "$api_pid"
  stop_pid "$sandbox_pid"
  # A serve still starting its app stops it when signalled; one whose app has ended is ending too.
  stop_pid "$api_serve_pid"
  stop_pid "$sandbox_serve_pid"
  pg_stop "$work/pg"
  if [ "$(type -t bench_on_exit)" = function ]; then bench_on_exit; fi
  if [ "${bench_keep_work:-0}" = 1 ]; then
    return 0
  elif [ "${BENCH_KEEP_WORK:-0}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "Work directory kept: $work${bench_work_note:+ ($bench_work_note)}" >&2
  else
    rm -rf "$work"
  fi
}

# Stops a process: TERM, up to 10 s to exit (the API drains its requests), then KILL. No pid, no-op.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# The secrets and token settings every bench run gives the API and the sandbox (bench-only values).
plugin_secret=bench-plugin-secret
access_key=bench-access-key
private_key=bench-private-key
jwt_key=bench-only-signing-key-0123456789-abcdefghij
jwt_issuer=paykassma-bench
jwt_audience=paykassma-merchant

# The API and the sandbox are started by the bench tool (`bench serve`, bench/tools/Paykassma.Bench/
# Serve.cs) through the test kit's AppHost, as the drills start them: the settings each runs with are
# described there, once. serve_app APP HANDOVER LOG [ARGS...] starts one, its log (and serve's own
# complaints) appended to LOG, and waits for the handover file it writes once the app is ready. Sets
# serve_pid. The app's own pid, url and times are in HANDOVER (read_handover).
serve_app() {
  local app=$1 handover=$2 log=$3
  shift 3
  rm -f "$handover"
  # dotnet itself, not the bench function: $! is then serve's own pid, which a signal must reach.
  dotnet "$bench_tool_dll" serve --app "$app" --handover "$handover" "$@" >>"$log" 2>&1 &
  serve_pid=$!
  while [ ! -s "$handover" ]; do
    kill -0 "$serve_pid" 2>/dev/null || { tail -n 30 "$log" >&2; return 1; }
    sleep 0.02
  done
}

# read_handover FILE NAME: one value (pid, url, ready_s, ready_cpu_s) of a handover file.
read_handover() { sed -n "s/^$2=//p" "$1"; }

# Starts the API (bench serve --app api: Production, settings through the environment, JSON logs
# appended to $work/api.log as to a log collector) and waits until /health/ready answers 200 (90 s at
# most, the kit's limit: a start on a loaded machine can take over 30 s; the log's tail if it does
# not). Uses pg_port, api_url, api_dll, work and gateway_url (unset: a port nobody listens on); extra
# VAR=value arguments are added to its settings. Sets api_pid (the API process itself, for its CPU and
# RSS), api_serve_pid, ready_time (seconds from process start to /health/ready answering 200) and
# ready_cpu (CPU seconds, user + system, the API used to get there: less sensitive to a busy machine).
start_api() {
  local handover=$work/api.handover
  serve_app api "$handover" "$work/api.log" --dll "$api_dll" --port "${api_url##*:}" --pg-port "$pg_port" \
    --gateway "${gateway_url:-http://127.0.0.1:9}" --plugin-secret "$plugin_secret" --access-key "$access_key" \
    --private-key "$private_key" --jwt-key "$jwt_key" --jwt-issuer "$jwt_issuer" --jwt-audience "$jwt_audience" -- "$@" || return 1
  api_serve_pid=$serve_pid
  api_pid=$(read_handover "$handover" pid)
  ready_time=$(read_handover "$handover" ready_s)
  ready_cpu=$(read_handover "$handover" ready_cpu_s)
}

# Stops the API (stop_pid: TERM, then KILL after 10 s), then its bench serve, which ends with it.
stop_api() {
  stop_pid "$api_pid"
  stop_pid "$api_serve_pid"
  api_pid=""
  api_serve_pid=""
}

# The sandbox gateway (sandbox_dll, build_sandbox; bench serve --app sandbox: Production, the bench's
# plugin secret, postbacks off, screenshots not kept, warnings only) on a free port, its log in
# $work/sandbox.log; waits (90 s at most) for /health. Sets sandbox_url and sandbox_pid.
start_sandbox() {
  local handover=$work/sandbox.handover
  sandbox_url="http://127.0.0.1:$(pg_free_port)"
  say "Starting the sandbox on $sandbox_url..."
  : >"$work/sandbox.log"
  serve_app sandbox "$handover" "$work/sandbox.log" --dll "$sandbox_dll" --port "${sandbox_url##*:}" \
    --plugin-secret "$plugin_secret" --access-key "$access_key" --private-key "$private_key" --poll-ms 100 || { echo "The sandbox did not answer /health" >&2; return 1; }
  sandbox_serve_pid=$serve_pid
  sandbox_pid=$(read_handover "$handover" pid)
}

# Seconds since a `date +%s.%N` value.
seconds_since() { python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.3f}')" "$(date +%s.%N)" "$1"; }

rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# % of all cores busy over 2 s (200 % = both cores of this machine).
busy_pct() {
  local a b
  a=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  sleep 2
  b=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  python3 -c "import sys; t0,i0,t1,i1=map(int,sys.argv[1:]); print(round(100*(1-(i1-i0)/max(1,t1-t0))*$(nproc)))" $a $b
}

# CPU ms PostgreSQL has used so far (user + system): the postmaster, its live processes (backends,
# WAL writer, checkpointer, autovacuum) and those that already exited (the postmaster reaped them:
# its cutime + cstime), so a backend that ends with its client (pgbench's) is still counted.
pg_cpu_ms() {
  local pid=$1 ticks
  ticks=$({
    awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat"
    for child in $(ps -o pid= --ppid "$pid"); do awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || true; done
  } | awk '{s += $1} END {printf "%d", s}')
  echo $(( ticks * 1000 / $(getconf CLK_TCK) ))
}

# Builds the bench tool (Release): every script that starts the API or the sandbox needs it (serve).
build_tool() {
  dotnet build bench/tools/Paykassma.Bench -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
}

# Builds the bench tool (build_tool) and publishes the API (publish_api). Uses work; sets api_dll.
build_tool_and_api() {
  build_tool
  publish_api
}

# Publishes the API as the Dockerfile does (ReadyToRun, for this machine's runtime) into $work/api,
# unless BENCH_API_DLL names another build to measure. Sets api_dll.
publish_api() {
  if [ -z "${BENCH_API_DLL:-}" ]; then
    dotnet publish src/Paykassma.Merchant.Api -c Release --use-current-runtime --self-contained false \
      -o "$work/api" -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
  fi
  api_dll=${BENCH_API_DLL:-$work/api/Paykassma.Merchant.Api.dll}
}

# Builds the sandbox gateway (Release). Sets sandbox_dll.
build_sandbox() {
  dotnet build src/Paykassma.Sandbox -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
  sandbox_dll=src/Paykassma.Sandbox/bin/Release/net10.0/Paykassma.Sandbox.dll
}

# The bench tool (bench/tools/Paykassma.Bench), once built.
bench_tool_dll=bench/tools/Paykassma.Bench/bin/Release/net10.0/Paykassma.Bench.dll
bench() { dotnet "$bench_tool_dll" "$@"; }

# For the benchmarks that measure SQL alone (no service): a throwaway PostgreSQL in $1/pg ($work/pg,
# stopped by bench_begin's trap) holding the database "merchant" at the migrations' schema; exports
# PGHOST/PGPORT/PGUSER and defines psql (quiet, unaligned, stops on error) and pgbench.
start_schema_database() {
  local work=$1 port
  pg_ensure_installed
  dotnet tool restore >/dev/null
  dotnet ef migrations script --project src/Paykassma.Merchant.Api -o "$work/schema.sql" >/dev/null
  port=$(pg_free_port)
  pg_start "$work/pg" "$port" >/dev/null
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
  psql() { "$(pg_bin_dir)/psql" -v ON_ERROR_STOP=1 -Atq "$@"; }
  pgbench() { "$(pg_bin_dir)/pgbench" "$@"; }
  psql -c "CREATE DATABASE merchant"
  psql -d merchant -f "$work/schema.sql" >/dev/null
}

# The settings every bench cluster gets: room for a whole run's writes without a checkpoint in the
# middle. Durability (fsync, synchronous_commit, full_page_writes) stays at its default: on.
bench_pg_settings="-c shared_buffers=256MB -c max_wal_size=8GB -c checkpoint_timeout=30min"

# start_bench_postgres [SETTINGS...]: a throwaway PostgreSQL in $work/pg (stopped by bench_cleanup)
# on pg_port (a free one unless the script chose it) with these server settings (-c name=value; a
# script that wants the bench's passes $bench_pg_settings) and the database "merchant" (empty: the
# API's first start migrates it). Sets pg_port, pg_bin and pg_pid (the postmaster, for CPU figures).
start_bench_postgres() {
  pg_bin=$(pg_bin_dir)
  pg_port=${pg_port:-$(pg_free_port)}
  pg_start "$work/pg" "$pg_port" "$@"
  pg_create_database "$pg_port" merchant
  pg_pid=$(head -n 1 "$work/pg/data/postmaster.pid")
}

# psql on the bench database: quiet, stops on the first error (-At for bare values).
psql_merchant() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d merchant -v ON_ERROR_STOP=1 -q "$@"; }

# settle [TABLES]: every measured run starts from the same settled database. The seed is a bulk load
# and each run leaves a dead row version per deposit it confirmed, which autovacuum would otherwise
# work through during whichever run came next (its CPU counts as PostgreSQL's); a checkpoint too, so
# no run inherits the previous one's dirty pages or starts right after a checkpoint (full-page
# images) while the other does not. TABLES: more to vacuum than the postback's four.
settle() {
  psql_merchant -c "VACUUM (ANALYZE) deposits, proofs, postbacks, gateway_transactions${1:+, $1}" -c "CHECKPOINT"
}

# wrk, from the Debian package when missing.
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  say "wrk missing: installing the Debian package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
}

# postback_lengths BODIES: the mean body length of the first 1000 signed postbacks in BODIES and the
# length of one signed item, for the floor (bench/sql/floor.sql writes rows of the same sizes). Sets
# body_len and item_len.
postback_lengths() {
  body_len=$(head -n 1000 "$1" | awk '{ n += length($0) } END { printf "%d", n / NR }')
  item_len=$(head -n 1 "$1" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(len(json.dumps(b["additional_data"][0], separators=(",", ":"))))')
}

# run_wrk NAME CONNECTIONS SECONDS BODIES: the postbacks in BODIES (one per line, each sent once:
# bench/wrk/postback.lua) at the API, closed loop, measured by the bench tool (rate, latency, the CPU
# of the API and of PostgreSQL when pg_pid is set). The result goes to $(printf "$wrk_results" NAME),
# wrk's own output to $(printf "$wrk_raw" NAME): by default $work/raw/NAME.json and $work/raw/NAME.txt.
run_wrk() {
  local name=$1 c=$2 seconds=$3 bodies=$4 result raw
  # shellcheck disable=SC2059
  result=$(printf "${wrk_results:-$work/raw/%s.json}" "$name")
  # shellcheck disable=SC2059
  raw=$(printf "${wrk_raw:-$work/raw/%s.txt}" "$name")
  BENCH_BODIES=$bodies BENCH_THREADS=1 BENCH_CONNECTIONS=$c \
    bench measure --kind wrk --raw-out "$raw" --api-pid "$api_pid" ${pg_pid:+--pg-pid "$pg_pid"} --out "$result" -- \
    wrk -t1 -c"$c" -d"${seconds}s" --timeout 10s -s bench/wrk/postback.lua "$api_url" >/dev/null
}

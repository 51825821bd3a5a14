# Shared by the bench scripts (sourced after scripts/lib/postgres.sh).

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

# Starts the API as a deployment would: Production, settings through the environment, JSON logs
# appended to $work/api.log (as to a log collector). Uses pg_port, api_url, api_dll, work and
# gateway_url (unset: a port nobody listens on); extra VAR=value arguments are added to its
# environment. Sets api_pid.
launch_api() {
  (
    export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
    export ConnectionStrings__Merchant="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=merchant"
    export Paykassma__ApiBaseUrl=${gateway_url:-http://127.0.0.1:9} Paykassma__PluginApiSecret=$plugin_secret
    export Paykassma__PostbackAccessKey=$access_key Paykassma__PostbackPrivateKey=$private_key
    export Auth__Jwt__SigningKey=$jwt_key Auth__Jwt__Issuer=$jwt_issuer Auth__Jwt__Audience=$jwt_audience
    export Proofs__MaxProofsPerDeposit=1000
    # One synthetic user makes every call here: the per-user limits would measure themselves.
    export RateLimits__FrontendPerMinute=1000000 RateLimits__ProofUploadsPerMinute=1000000
    export ASPNETCORE_URLS=$api_url
    # BENCH_GROUP_COMMIT=0 stores each postback in its own transaction, =1 by group commit
    # (Postbacks:GroupCommit, ADR 0022); unset, the service's default (on).
    case "${BENCH_GROUP_COMMIT:-}" in
      1) export Postbacks__GroupCommit__Enabled=true ;;
      0) export Postbacks__GroupCommit__Enabled=false ;;
    esac
    exec env "$@" dotnet "$api_dll" >>"$work/api.log" 2>&1
  ) &
  api_pid=$!
}

# Waits (30 s at most) for $api_url/health/ready to answer 200; fails, with the log's tail, if the
# API exits first.
wait_ready() {
  for _ in $(seq 1 1500); do
    curl -fs -o /dev/null "$api_url/health/ready" 2>/dev/null && return 0
    kill -0 "$api_pid" 2>/dev/null || { tail -n 30 "$work/api.log" >&2; return 1; }
    sleep 0.02
  done
  echo "The API did not become ready in 30 s" >&2
  return 1
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

# Builds the bench tool (Release) and publishes the API as the Dockerfile does (ReadyToRun, for this
# machine's runtime), unless BENCH_API_DLL names another build to measure. Uses work; sets api_dll.
build_tool_and_api() {
  dotnet build bench/tools/Paykassma.Bench -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
  if [ -z "${BENCH_API_DLL:-}" ]; then
    dotnet publish src/Paykassma.Merchant.Api -c Release --use-current-runtime --self-contained false \
      -o "$work/api" -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
  fi
  api_dll=${BENCH_API_DLL:-$work/api/Paykassma.Merchant.Api.dll}
}

# The bench tool (bench/tools/Paykassma.Bench), once built.
bench() { dotnet bench/tools/Paykassma.Bench/bin/Release/net10.0/Paykassma.Bench.dll "$@"; }

# For the benchmarks that measure SQL alone (no service): a throwaway PostgreSQL in $1/pg (stopped by
# the caller's pg_stop "$1/pg") holding the database "merchant" at the migrations' schema; exports
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

# Shared by the bench scripts (sourced after scripts/lib/postgres.sh).

# Stops a process: TERM, up to 10 s to exit (the API drains its requests), then KILL. No pid, no-op.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

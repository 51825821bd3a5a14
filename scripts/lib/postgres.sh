# Throwaway PostgreSQL clusters for run.sh, test.sh and the benchmarks, from the OS packages.
# The server refuses to run as root, so as root it runs as the `postgres` user.
# Usage: source this file, then pg_start DIR PORT [extra postgres -c settings...] / pg_stop DIR.

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

pg_ensure_installed() {
  if pg_bin_dir >/dev/null; then return 0; fi
  echo "PostgreSQL server binaries not found; installing them with apt-get..." >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "Run as root (or install the 'postgresql' package) to continue." >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  pg_bin_dir >/dev/null
}

# Runs a command as the user that owns the cluster.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pg_start DIR PORT [-c name=value ...]: creates the cluster if DIR is empty, then starts it on
# 127.0.0.1:PORT with its socket inside DIR. Local connections are trusted (loopback only).
pg_start() {
  local dir=$1 port=$2; shift 2
  local bin; bin=$(pg_bin_dir) || { echo "PostgreSQL binaries missing" >&2; return 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; chmod 700 "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  local options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300"
  local extra
  for extra in "$@"; do options="$options $extra"; done
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$options" -w -t 60 start >/dev/null \
    || { tail -n 30 "$dir/postgres.log" >&2; return 1; }
}

pg_stop() {
  local dir=$1
  local bin; bin=$(pg_bin_dir) || return 0
  [ -f "$dir/data/postmaster.pid" ] || return 0
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

pg_create_database() {
  local port=$1 name=$2
  "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "SELECT 1 FROM pg_database WHERE datname = '$name'" -t | grep -q 1 \
    || "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE \"$name\""
}

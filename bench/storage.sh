#!/usr/bin/env bash
# What a postback costs the disk: bytes that PostgreSQL writes (table, TOAST and index growth, and
# WAL) per junk postback from a stranger, per replay of a genuine postback with a large unsigned
# field, and per new genuine postback for comparison. Bodies are random (incompressible), as an
# attacker would send. Prints a table and writes it to bench/results/storage-<time>.md.
#
# Knobs: STORAGE_COUNT (postbacks per phase, default 200), BENCH_API_DLL (another build of the API,
# to compare two versions), BENCH_KEEP_WORK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. bench/lib.sh

count=${STORAGE_COUNT:-200}
bench_begin storage

pg_ensure_installed
say "Building (API, bench tool)..."
build_tool_and_api

# PostgreSQL's own settings, not the bench's: bytes written per postback are what is measured.
start_bench_postgres
api_url="http://127.0.0.1:$(pg_free_port)"
start_api Serilog__MinimumLevel__Default=Warning

say "Preparing $count bodies per phase..."
bench postbacks --out-dir "$work/bodies" --access-key "$access_key" --private-key "$private_key" --sets "genuine:$((count + 1))" >/dev/null
mkdir -p "$work/junk" "$work/replay"
python3 - "$work" "$count" <<'PY'
import base64, json, os, sys
work, count = sys.argv[1], int(sys.argv[2])
genuine = open(f"{work}/bodies/genuine.txt", "rb").read().split(b"\n")
replayed = json.loads(genuine[count])
for i in range(count):
    # A stranger's junk: a postback-shaped body with a forged signature, 250 KB of random text.
    junk = {"signature": "0" * 40, "additional_data": [], "padding": base64.b64encode(os.urandom(187_500)).decode()}
    open(f"{work}/junk/{i}.json", "w").write(json.dumps(junk))
    # A replay of one genuine postback with 200 KB of random text in an unsigned field.
    replayed["padding"] = base64.b64encode(os.urandom(150_000)).decode()
    open(f"{work}/replay/{i}.json", "w").write(json.dumps(replayed))
for i, line in enumerate(genuine[:count]):
    open(f"{work}/bodies/{i}.json", "wb").write(line)
PY

# The replayed postback is first accepted once, so every replay measured is a duplicate.
curl -fs -o /dev/null -H 'Content-Type: application/json' --data-binary @<(sed -n "$((count + 1))p" "$work/bodies/genuine.txt") "$api_url/api/paykassma/postback"

stored_bytes() {
  psql_merchant -At -c "CHECKPOINT" >/dev/null
  psql_merchant -At -c "SELECT pg_total_relation_size('postbacks') + pg_total_relation_size('gateway_transactions')"
}
rows=()
phase() { # name directory expected-status
  local name=$1 dir=$2 before wal rows_before
  before=$(stored_bytes)
  rows_before=$(psql_merchant -At -c "SELECT count(*) FROM postbacks")
  wal=$(psql_merchant -At -c "SELECT pg_current_wal_lsn()")
  for i in $(seq 0 $((count - 1))); do
    curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @"$dir/$i.json" "$api_url/api/paykassma/postback"
  done
  local wal_bytes table_bytes written
  wal_bytes=$(psql_merchant -At -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal')::bigint")
  table_bytes=$(( $(stored_bytes) - before ))
  written=$(( $(psql_merchant -At -c "SELECT count(*) FROM postbacks") - rows_before ))
  rows+=("| $name | $(du -b "$dir/0.json" | cut -f1) | $written of $count | $((table_bytes / count)) | $((wal_bytes / count)) |")
  say "$name: $written rows, $((table_bytes / count)) table bytes and $((wal_bytes / count)) WAL bytes per postback"
}
say "Measuring..."
phase "junk (forged signature)" "$work/junk"
phase "replay of a genuine postback" "$work/replay"
phase "new genuine postback (reference)" "$work/bodies"

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
{
  echo "# Bytes written per postback ($(date -u '+%Y-%m-%d %H:%M UTC'), bench/storage.sh, $count per phase, one source address)"
  echo
  echo "| postbacks | body bytes | postback rows written | table + index + TOAST bytes per postback | WAL bytes per postback |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "bench/results/storage-$stamp.md"

#!/usr/bin/env bash
# Runs every test of the solution against a throwaway PostgreSQL and ends with "N passed, N failed".
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Postback").
set -uo pipefail
cd "$(dirname "$0")"
. scripts/lib/postgres.sh
. scripts/lib/chromium.sh

pg_ensure_installed || exit 1
chromium_ensure_installed || echo "Continuing without Chromium: the Swagger UI browser test will fail." >&2
work=$(mktemp -d /tmp/merchant-test.XXXXXX)
chmod 755 "$work"
port=$(pg_free_port)
cleanup() { pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Durability is the benchmarks' business; tests want speed.
pg_start "$work/pg" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off || exit 1
export MERCHANT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres"
echo "PostgreSQL for tests on 127.0.0.1:$port"

dotnet test Paykassma.Merchant.sln --logger "trx" --results-directory "$work/results" "$@"
status=$?

# The summary line counts what the test results say, not what the console printed.
read -r passed failed < <(python3 - "$work/results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if counters is not None:
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
print(passed, failed)
PY
)
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
  echo "dotnet test failed before reporting results (build error or crashed test host): see above." >&2
fi
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"

#!/usr/bin/env bash
# Runs every test of the solution against a throwaway PostgreSQL and ends with "N passed, N failed".
# --drills: then also the fault drills (tests/Paykassma.Drills.Tests, 3-4 minutes on this 2-core
# machine), on their own after the rest; the summary counts both. .ci/run passes --drills.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Postback");
# a --filter applies to the drills too.
set -uo pipefail
cd "$(dirname "$0")"
. scripts/lib/postgres.sh
. scripts/lib/chromium.sh
. scripts/lib/php.sh
. scripts/lib/node-tools.sh
. scripts/lib/promtool.sh

drills_project=tests/Paykassma.Drills.Tests
run_drills=0
filter=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --drills) run_drills=1 ;;
    --filter) filter=${2:-}; shift ;;
    --filter=*) filter=${1#--filter=} ;;
    *) args+=("$1") ;;
  esac
  shift
done

pg_ensure_installed || exit 1
chromium_ensure_installed || echo "Continuing without Chromium: the Swagger UI browser test will fail." >&2
php_ensure_installed || echo "Continuing without PHP: the PHP differential test will fail (or be skipped if apt-get is missing)." >&2
node_tools_ensure_installed || echo "Continuing without the npm tools: the API contract tests (ContractTests) will fail." >&2
promtool_ensure_installed || echo "Continuing without promtool: the alert rule checks (AlertRulesTests) will fail." >&2
work=$(mktemp -d /tmp/merchant-test.XXXXXX)
chmod 755 "$work"
port=$(pg_free_port)
cleanup() { pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Durability is the benchmarks' business; tests want speed. (The drills start clusters of their
# own with synchronous_commit on: they crash things and check that "ok" meant committed.)
pg_start "$work/pg" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off || exit 1
export MERCHANT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres"
echo "PostgreSQL for tests on 127.0.0.1:$port"

# The drills never run with the rest: they load the machine on purpose and time recoveries. The
# solution filter leaves their project out (a test filter would leave it in, reporting "no test matches").
dotnet test Paykassma.Merchant.Tests.slnf --logger "trx" --results-directory "$work/results" \
  ${filter:+--filter "$filter"} "${args[@]}"
status=$?

if [ "$run_drills" -eq 1 ]; then
  echo "Fault drills ($drills_project): the built service and sandbox as processes, killed and starved on purpose"
  dotnet test "$drills_project" --logger "trx" --results-directory "$work/results" \
    ${filter:+--filter "$filter"} "${args[@]}"
  drills_status=$?
  [ "$status" -eq 0 ] && status=$drills_status
fi

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

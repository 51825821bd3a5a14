#!/usr/bin/env bash
# Runs the service on this machine with everything it needs: a local PostgreSQL (from the OS
# packages, under /tmp, data kept between runs), the sandbox gateway and the API in Development.
# Ctrl+C stops all three. Ports: MERCHANT_API_PORT (5080), SANDBOX_PORT (5081), MERCHANT_PG_PORT (55432).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib/postgres.sh

api_port=${MERCHANT_API_PORT:-5080}
sandbox_port=${SANDBOX_PORT:-5081}
pg_port=${MERCHANT_PG_PORT:-55432}
state=${MERCHANT_STATE_DIR:-/tmp/paykassma-merchant-dev}
api_url="http://127.0.0.1:$api_port"
sandbox_url="http://127.0.0.1:$sandbox_port"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop "$state/pg"
  echo "Stopped. Data stays in $state (delete it for a fresh start)."
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_ensure_installed
mkdir -p "$state" && chmod 755 "$state"
if ! "$(pg_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
  echo "Starting PostgreSQL on 127.0.0.1:$pg_port (data in $state/pg)..."
  pg_start "$state/pg" "$pg_port"
fi
pg_create_database "$pg_port" merchant

# Only what runs here (the API, the sandbox and the protocol library they share), with the progress
# shown: a first run on a machine restores ~550 MB of NuGet packages into ~/.nuget/packages (14 s on
# this machine's network, minutes on a slow one) and compiles for about a minute on 2 cores; later
# runs restore and build in seconds.
started=$SECONDS
echo "Restoring NuGet packages (a first run downloads ~550 MB into ~/.nuget/packages; later runs: seconds)..."
for project in src/Paykassma.Merchant.Api src/Paykassma.Sandbox; do
  dotnet restore "$project" -v minimal -nologo
done
echo "Restored in $((SECONDS - started)) s. Building (a first build takes about a minute on 2 cores)..."
built=$SECONDS
for project in src/Paykassma.Merchant.Api src/Paykassma.Sandbox; do
  dotnet build "$project" -c Debug --no-restore -nologo -v minimal
done
echo "Built in $((SECONDS - built)) s."

export ASPNETCORE_ENVIRONMENT=Development
export DOTNET_ENVIRONMENT=Development

echo "Starting the sandbox gateway on $sandbox_url (log: $state/sandbox.log)..."
Sandbox__PostbackUrl="$api_url/api/paykassma/postback" \
  dotnet run --no-build --no-launch-profile --project src/Paykassma.Sandbox --urls "$sandbox_url" >"$state/sandbox.log" 2>&1 &
pids+=($!)

echo "Starting the API on $api_url (migrations are applied at start-up)..."
ConnectionStrings__Merchant="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=merchant" \
Paykassma__ApiBaseUrl="$sandbox_url" Events__WebhookUrl="$sandbox_url/ledger/webhooks" \
Paykassma__PluginBaseUrl="$sandbox_url/plugin/" \
  dotnet run --no-build --no-launch-profile --project src/Paykassma.Merchant.Api --urls "$api_url" &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -fs "$api_url/health/ready" >/dev/null 2>&1 && curl -fs "$sandbox_url/health" >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 0.5
done
if [ -z "${ready:-}" ]; then
  echo "The service did not become ready; see the output above and $state/sandbox.log." >&2
  exit 1
fi

cat <<TXT

  Paykassma merchant backend is running.

  Swagger UI:   $api_url/swagger
  Sandbox:      $sandbox_url  (a stand-in for the gateway; see src/Paykassma.Sandbox/README.md)

  Get a token (Development only), then click "Authorize" in Swagger UI and paste it:
    curl -s -X POST $api_url/dev/token -H 'Content-Type: application/json' -d '{"label":"alice"}'
  For the ops API add "ops": true; for payouts (the back office) "payouts": true. Or call
  POST /dev/token from Swagger UI itself.

  Try: POST /api/deposits with {"amount": 300} -> the requisites to pay to.
  Try: POST /api/deposits/window with {"amount": 300} -> open its windowUrl (the sandbox's window)
       in a browser, press "I have paid": a second later the deposit is confirmed.
  Try: POST /api/payouts (token with "payouts": true, any Idempotency-Key) with
       {"label":"alice","amount":1020,"accountNumber":"9440377924","accountName":"Dorji Wangmo"}
       -> sent; the sandbox reports interim statuses (0, 3, 4), then paid, about 2 s in all (GET /api/payouts/{id}).
  Every money event (deposit.confirmed, payout.paid, …) reaches the sandbox's stand-in ledger,
  signed per Standard Webhooks and verified there: $sandbox_url/sandbox/ledger/events

  Ctrl+C stops everything.
TXT
wait -n "${pids[@]}"

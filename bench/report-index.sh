#!/usr/bin/env bash
# What the daily reconciliation's index (ix_gateway_transactions_reported_at, migration
# ReconciliationReportedAt) costs the insert of a signed item: 300 000 rows first, then single-row
# INSERTs like the postback's (pgbench, 4 clients, prepared), with and without the index, alternating;
# inserts/s, WAL bytes per insert, and the index's size. The report's own time over 300 000 rows is
# measured by ReconciliationScaleTests (./test.sh --filter ReconciliationScale --logger
# "console;verbosity=detailed"). About a minute. Knobs: REPORT_INDEX_ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. bench/lib.sh

rounds=${REPORT_INDEX_ROUNDS:-3}
bench_begin report-index

start_schema_database "$work"
psql -d merchant -c "INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, outcome, transaction_ids,
    transaction_count, new_transaction_count)
  VALUES ('00000000-0000-0000-0000-000000000001', now(), '\x7b7d', 2, false, repeat('0', 64), 'accepted', '{}', 0, 0)" \
  -c "CREATE SEQUENCE bench_item_seq" \
  -c "INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code, applied,
    unapplied_reason, amount_mismatch, activated_at, item, stored_at)
  SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'ingoing', 'ingoing:tx:s' || g, 's' || g, 300, '300', 'BTN', false,
    'no_matching_proof', false, now() - interval '300 days' + g * interval '86 seconds', to_json(repeat('x', 600)),
    now() - interval '300 days' + g * interval '86 seconds'
  FROM generate_series(1, 300000) g" \
  -c "VACUUM ANALYZE gateway_transactions"
# pgbench reads ":name" as a variable even inside a string literal: the fact key's colons are chr(58).
cat >"$work/insert.sql" <<'SQL'
INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code, custom_order_id,
    applied, amount_mismatch, activated_at, item, stored_at)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'ingoing', 'ingoing' || chr(58) || 'tx' || chr(58) || n, n::text, 300, '300',
    'BTN', 'pm_' || n, true, false, now() - interval '1 second', to_json(repeat('x', 600)), now()
FROM (SELECT nextval('bench_item_seq') AS n) x;
SQL
index_sql="CREATE INDEX IF NOT EXISTS ix_gateway_transactions_reported_at ON gateway_transactions ((COALESCE(activated_at, stored_at)))"
for round in $(seq "$rounds"); do
  for variant in with without; do
    if [ "$variant" = with ]; then psql -d merchant -c "$index_sql"; else psql -d merchant -c "DROP INDEX IF EXISTS ix_gateway_transactions_reported_at"; fi
    psql -d merchant -c "CHECKPOINT"
    before=$(psql -d merchant -c "SELECT pg_current_wal_lsn()")
    tps=$(pgbench -n -M prepared -c 4 -j 2 -t 5000 -f "$work/insert.sql" merchant 2>&1 | awk '/^tps/ {printf "%.0f", $3}')
    psql -d merchant -c "SELECT 'round $round, $variant the index: $tps inserts/s, '
      || round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$before') / 20000.0) || ' WAL bytes per insert, index '
      || coalesce(pg_size_pretty(pg_relation_size(to_regclass('ix_gateway_transactions_reported_at'))), 'none')"
  done
done

#!/usr/bin/env bash
# What the attention list's partial indexes on gateway_transactions (ADR 0016: the unseen and the seen
# unapplied items) cost the insert of a signed item that applies, as a postback's does: 300 000 rows
# first (a tenth unapplied, half of those seen), then single-row INSERTs (pgbench, 4 clients,
# prepared) with and without the two indexes, alternating; inserts/s, WAL bytes per insert, and the
# indexes' size. About a minute. Knobs: ATTENTION_INSERT_ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/postgres.sh
. bench/lib.sh

rounds=${ATTENTION_INSERT_ROUNDS:-3}
bench_begin attention-insert

start_schema_database "$work"
# The migration's own definitions, to drop and rebuild them between rounds.
indexes=$(psql -d merchant -c "SELECT string_agg(indexdef, ';') FROM pg_indexes WHERE indexname LIKE 'ix_gateway_transactions_attention_%'")
psql -d merchant -c "INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, outcome, transaction_ids,
    transaction_count, new_transaction_count)
  VALUES ('00000000-0000-0000-0000-000000000001', now(), '\x7b7d', 2, false, repeat('0', 64), 'accepted', '{}', 0, 0)" \
  -c "CREATE SEQUENCE bench_item_seq" \
  -c "INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code, applied,
    unapplied_reason, amount_mismatch, activated_at, item, stored_at, attention_seen_since)
  SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'ingoing', 'ingoing:tx:s' || g, 's' || g, 300, '300', 'BTN',
    g % 10 <> 0, CASE WHEN g % 10 = 0 THEN 'no_matching_proof' END, false, t.at, to_json(repeat('x', 600)), t.at,
    CASE WHEN g % 20 = 0 THEN t.at END
  FROM generate_series(1, 300000) g, LATERAL (SELECT now() - interval '300 days' + g * interval '86 seconds' AS at) t" \
  -c "VACUUM ANALYZE gateway_transactions"
# pgbench reads ":name" as a variable even inside a string literal: the fact key's colons are chr(58).
cat >"$work/insert.sql" <<'SQL'
INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code, custom_order_id,
    applied, amount_mismatch, activated_at, item, stored_at)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'ingoing', 'ingoing' || chr(58) || 'tx' || chr(58) || n, n::text, 300, '300',
    'BTN', 'pm_' || n, true, false, now() - interval '1 second', to_json(repeat('x', 600)), now()
FROM (SELECT nextval('bench_item_seq') AS n) x;
SQL
for round in $(seq "$rounds"); do
  for variant in with without; do
    if [ "$variant" = with ]; then
      psql -d merchant -c "DROP INDEX IF EXISTS ix_gateway_transactions_attention_unapplied, ix_gateway_transactions_attention_unapplied_seen" -c "$indexes"
    else
      psql -d merchant -c "DROP INDEX IF EXISTS ix_gateway_transactions_attention_unapplied, ix_gateway_transactions_attention_unapplied_seen"
    fi
    psql -d merchant -c "CHECKPOINT"
    before=$(psql -d merchant -c "SELECT pg_current_wal_lsn()")
    tps=$(pgbench -n -M prepared -c 4 -j 2 -t 5000 -f "$work/insert.sql" merchant 2>&1 | awk '/^tps/ {printf "%.0f", $3}')
    psql -d merchant -c "SELECT 'round $round, $variant the two indexes: $tps inserts/s, '
      || round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$before') / 20000.0) || ' WAL bytes per insert, indexes '
      || coalesce(pg_size_pretty((SELECT sum(pg_relation_size(indexrelid))::bigint FROM pg_stat_user_indexes
                                  WHERE indexrelname LIKE 'ix_gateway_transactions_attention_%')), 'none')"
  done
done

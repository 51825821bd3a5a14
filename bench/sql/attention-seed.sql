-- The attention list at scale (bench/attention.sh): :rows rows in each big table (deposits, proofs,
-- payouts, postbacks, gateway_transactions, outbox_events), almost all in their normal final states,
-- and a few hundred stuck ones of every kind, half of them already marked seen (with their audit
-- rows), plus :backlog seen entries in each set that grows while nobody acts (unapplied items, failed
-- proofs, payouts and events, differing deposits, expired unconfirmed deposits): what a year of ops
-- marking things seen leaves behind. Usage:
--   psql -v rows=300000 -v stuck=100 -v backlog=20000 -f attention-seed.sql
-- Ranges of g decide each row's state; ids are md5 of a name and g, so the script needs no lookups.
\set half (:stuck / 2)
BEGIN;
-- The change log's trigger (ADR 0013) would write and NOTIFY 300 000 changes nobody listens to.
ALTER TABLE deposits DISABLE TRIGGER deposits_record_changes;

-- Deposits. 1..S pending past 2 h (stuck); S+1..2S pending 10 min (not yet); 2S+1..3S+B expired with a
-- forwarded proof (the first S/2 unseen); 3S+B+1..4S+2B confirmed for another amount (the first S/2
-- unseen); next rows/5 expired with no proof (abandoned); the rest confirmed as asked.
INSERT INTO deposits (id, label, status, currency, wallet_type, amount, wallet_number, account_name, gateway_params, confirmed_amount,
    amount_mismatch, created_at, updated_at, confirmed_at, expired_at, proof_forwarded_at, attention_seen_since)
SELECT md5('deposit:' || g)::uuid, 'bench-' || (g % 1000), x.status, 'BTN', 'bnb_ml', 300, '4417020311', 'Sandbox Merchant', '{}',
    x.confirmed, false, x.at, x.updated, CASE WHEN x.confirmed IS NOT NULL THEN x.updated END,
    CASE WHEN x.status = 'expired' THEN x.at + interval '72 hours' END, x.forwarded,
    CASE WHEN x.seen THEN CASE WHEN x.confirmed = 250 THEN x.updated ELSE x.forwarded END END
FROM generate_series(1, :rows) AS g
CROSS JOIN LATERAL (SELECT
    CASE WHEN g <= 2 * :stuck THEN 'pending_confirmation'
         WHEN g <= 3 * :stuck + :backlog OR g > :rows - :rows / 5 THEN 'expired' ELSE 'confirmed' END AS status,
    CASE WHEN g <= :stuck THEN now() - interval '4 hours' WHEN g <= 2 * :stuck THEN now() - interval '20 minutes'
         ELSE now() - interval '90 days' * ((g % 997) / 997.0) - interval '4 days' END AS at,
    CASE WHEN g > 3 * :stuck + :backlog AND g <= 4 * :stuck + 2 * :backlog THEN 250
         WHEN g > 4 * :stuck + 2 * :backlog AND g <= :rows - :rows / 5 THEN 300 END AS confirmed,
    (g > 2 * :stuck + :half AND g <= 3 * :stuck + :backlog) OR (g > 3 * :stuck + :backlog + :half AND g <= 4 * :stuck + 2 * :backlog) AS seen
) x0
CROSS JOIN LATERAL (SELECT x0.*,
    CASE WHEN g <= :stuck THEN now() - interval '3 hours' WHEN g <= 2 * :stuck THEN now() - interval '10 minutes'
         WHEN g > :rows - :rows / 5 THEN NULL ELSE x0.at + interval '5 minutes' END AS forwarded,
    x0.at + interval '20 minutes' AS updated) x;

-- Proofs: a forwarded one per deposit that had one, and a rejected one per fifth deposit (the user's
-- typo); on abandoned deposits S+B failed proofs (the first S/2 unseen) and S queued ones past their first retry.
INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, gateway_message, attempts,
    outcome_uncertain, next_attempt_at, last_error, attempt_limit, request_hash, screenshot_file_name, screenshot_content_type,
    screenshot_size, screenshot_sha256, created_at, updated_at, forwarded_at, attention_seen_since)
SELECT md5('proof:' || p.n)::uuid, md5('deposit:' || p.g)::uuid, 'bench-' || (p.g % 1000), 'pma_' || p.n, lpad(p.n::text, 12, '0'), 300, p.status,
    CASE p.status WHEN 'rejected' THEN 'Transaction not found' ELSE '' END,
    CASE p.status WHEN 'failed' THEN 300 WHEN 'queued' THEN 7 ELSE 1 END, false,
    CASE p.status WHEN 'queued' THEN now() + interval '1 day' END, CASE WHEN p.status IN ('failed', 'queued') THEN 'timeout' END,
    300, md5(p.n::text), 'receipt.png', 'image/png', 48213, md5(p.n::text) || md5(p.n::text), d.created_at, d.updated_at,
    CASE p.status WHEN 'forwarded' THEN COALESCE(d.proof_forwarded_at, d.created_at + interval '5 minutes') END,
    CASE WHEN p.seen THEN d.updated_at END
FROM (
    SELECT g AS n, g, CASE WHEN g <= :rows - :rows / 5 THEN 'forwarded'
                           WHEN g <= :rows - :rows / 5 + :stuck + :backlog THEN 'failed'
                           WHEN g <= :rows - :rows / 5 + 2 * :stuck + :backlog THEN 'queued' END AS status,
        g > :rows - :rows / 5 + :half AND g <= :rows - :rows / 5 + :stuck + :backlog AS seen
    FROM generate_series(1, :rows) AS g
    UNION ALL
    SELECT :rows + g, g * 4, 'rejected', false FROM generate_series(1, :rows / 5) AS g
) p JOIN deposits d ON d.id = md5('deposit:' || p.g)::uuid
WHERE p.status IS NOT NULL;

-- Payouts: 1..S+B refused, then S+B failed (the first S/2 of each unseen), S/5 awaiting approval (half
-- over an hour), S stale (S/2 unseen), S sent recently, S/10 paid then contradicted; the rest paid,
-- every twentieth cancelled.
INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number, account_name, status,
    created_by, idempotency_key, request_hash, attempts, attempt_limit, outcome_uncertain, last_error, gateway_message, withdrawal_status,
    settled_amount, amount_mismatch, created_at, updated_at, sent_at, settled_at, conflicting_status, status_conflict, stale_since,
    attention_seen_since)
SELECT md5('payout:' || g)::uuid, 'po_' || md5('payout:' || g), 'bench-' || (g % 1000), 1020, 'BTN', 'sinpemovil', false,
    lpad((g % 100000)::text, 10, '4'), 'Dorji Wangmo', x.status, 'ledger', 'key-' || g, md5(g::text), 1, 300, false,
    CASE x.status WHEN 'failed' THEN 'timeout' END, CASE x.status WHEN 'refused' THEN 'withdrawals_sum_amount: Insufficient balance' END,
    CASE WHEN x.status IN ('paid', 'cancelled') THEN CASE x.status WHEN 'paid' THEN 1 ELSE 5 END END,
    CASE WHEN x.status IN ('paid', 'cancelled') THEN 1020 END, false, x.at, x.at + interval '1 minute',
    CASE WHEN x.status IN ('sent', 'paid', 'cancelled') THEN x.at + interval '10 seconds' END,
    CASE WHEN x.status IN ('paid', 'cancelled') THEN x.at + interval '1 minute' END,
    CASE WHEN x.conflict THEN 5 END, x.conflict, CASE WHEN x.stale THEN x.at + interval '24 hours' END,
    CASE WHEN x.seen THEN CASE WHEN x.stale THEN x.at + interval '24 hours' ELSE x.at + interval '1 minute' END END
FROM generate_series(1, :rows) AS g
CROSS JOIN LATERAL (SELECT
    CASE WHEN g <= :stuck + :backlog THEN 'refused' WHEN g <= 2 * (:stuck + :backlog) THEN 'failed'
         WHEN g <= 2 * (:stuck + :backlog) + :stuck / 5 THEN 'awaiting_approval'
         WHEN g <= 2 * (:stuck + :backlog) + :stuck / 5 + 2 * :stuck THEN 'sent'
         WHEN g % 20 = 0 THEN 'cancelled' ELSE 'paid' END AS status,
    CASE WHEN g <= 2 * (:stuck + :backlog) THEN now() - interval '90 days' * ((g % 997) / 997.0) - interval '1 day'
         WHEN g <= 2 * (:stuck + :backlog) + :stuck / 10 THEN now() - interval '2 hours'
         WHEN g <= 2 * (:stuck + :backlog) + :stuck / 5 THEN now() - interval '10 minutes'
         WHEN g <= 2 * (:stuck + :backlog) + :stuck / 5 + :stuck THEN now() - interval '3 days'
         WHEN g <= 2 * (:stuck + :backlog) + :stuck / 5 + 2 * :stuck THEN now() - interval '1 hour'
         ELSE now() - interval '90 days' * ((g % 997) / 997.0) END AS at,
    g > 2 * (:stuck + :backlog) + :stuck / 5 AND g <= 2 * (:stuck + :backlog) + :stuck / 5 + :stuck AS stale,
    g > 2 * (:stuck + :backlog) + :stuck / 5 + 2 * :stuck AND g <= 2 * (:stuck + :backlog) + :stuck / 5 + 2 * :stuck + :stuck / 10 AS conflict,
    (g > :half AND g <= :stuck + :backlog) OR (g > :stuck + :backlog + :half AND g <= 2 * (:stuck + :backlog))
        OR (g > 2 * (:stuck + :backlog) + :stuck / 5 + :half AND g <= 2 * (:stuck + :backlog) + :stuck / 5 + :stuck) AS seen
) x;

-- Postbacks, one per signed transaction: accepted, every tenth rejected junk, 5 held.
INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome, reject_reason, verified_with,
    format, direction, amount, label, transaction_ids, transaction_count, new_transaction_count)
SELECT md5('postback:' || g)::uuid, now() - interval '90 days' * ((g % 997) / 997.0), convert_to('{"additional_data":[]}', 'UTF8'), 22, false,
    md5(g::text) || md5(g::text), '203.0.113.7',
    CASE WHEN g <= 5 THEN 'held' WHEN g % 10 = 0 THEN 'rejected' ELSE 'accepted' END,
    CASE WHEN g <= 5 THEN 'apply_failed' WHEN g % 10 = 0 THEN 'bad_signature' END, 'current', 'current', 'ingoing', '300', 'bench-' || (g % 1000),
    ARRAY[(100000000000 + g)::text], 1, 1
FROM generate_series(1, :rows) AS g;

-- Signed transactions: 1..S+B no_matching_proof (the first S/2 unseen), S/2 currency_mismatch, 5 S
-- payout_already_settled (never listed), a status_conflict per contradicted payout; the rest applied.
INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, amount, amount_text, currency_code, wallet_type,
    custom_order_id, payout_id, applied, unapplied_reason, amount_mismatch, withdrawal_id, withdrawal_status, item, stored_at,
    attention_seen_since)
SELECT md5('tx:' || g)::uuid, md5('postback:' || g)::uuid, x.direction, x.direction || ':tx:' || g, (100000000000 + g)::text, 300, '300',
    CASE WHEN x.reason = 'currency_mismatch' THEN 'USD' ELSE 'BTN' END, 'bnb_ml', 'pm_' || md5(g::text),
    x.payout, x.reason IS NULL, x.reason, false, CASE WHEN x.payout IS NOT NULL THEN 'po_' || md5('payout:' || x.pg) END,
    CASE WHEN x.payout IS NOT NULL THEN 5 END, '{"transaction_id":"x"}', x.at, CASE WHEN x.seen THEN x.at END
FROM generate_series(1, :rows) AS g
CROSS JOIN LATERAL (SELECT
    CASE WHEN g <= :stuck + :backlog THEN 'no_matching_proof' WHEN g <= :stuck + :backlog + :half THEN 'currency_mismatch'
         WHEN g <= :stuck + :backlog + :half + 5 * :stuck THEN 'payout_already_settled'
         WHEN g <= :stuck + :backlog + :half + 5 * :stuck + :stuck / 10 THEN 'status_conflict' END AS reason,
    2 * (:stuck + :backlog) + :stuck / 5 + 2 * :stuck + (g - (:stuck + :backlog + :half + 5 * :stuck)) AS pg,
    now() - interval '90 days' * ((g % 997) / 997.0) AS at,
    g > :half AND g <= :stuck + :backlog AS seen) x0
CROSS JOIN LATERAL (SELECT x0.*,
    CASE WHEN x0.reason = 'status_conflict' THEN md5('payout:' || x0.pg)::uuid END AS payout,
    CASE WHEN x0.reason IN ('payout_already_settled', 'status_conflict') THEN 'outgoing' ELSE 'ingoing' END AS direction) x;

-- Money events: delivered; S+B failed at the ledger (the first S/2 unseen), S/5 still pending.
INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, last_error, created_at, delivered_at,
    failed_at, attention_seen_since)
SELECT md5('event:' || g)::uuid, 'deposit.confirmed', md5('deposit:' || g)::uuid, 'deposit.confirmed:' || g,
    jsonb_build_object('depositId', md5('deposit:' || g)::uuid, 'amount', 300, 'currency', 'BTN', 'status', 'confirmed'),
    x.status, CASE x.status WHEN 'failed' THEN 200 ELSE 1 END, CASE x.status WHEN 'pending' THEN now() + interval '1 hour' END,
    CASE x.status WHEN 'failed' THEN 'http_500' END, x.at, CASE x.status WHEN 'delivered' THEN x.at + interval '1 second' END,
    CASE x.status WHEN 'failed' THEN x.at + interval '16 hours' END, CASE WHEN x.seen THEN x.at + interval '16 hours' END
FROM generate_series(1, :rows) AS g
CROSS JOIN LATERAL (SELECT
    CASE WHEN g <= :stuck + :backlog THEN 'failed' WHEN g <= :stuck + :backlog + :stuck / 5 THEN 'pending' ELSE 'delivered' END AS status,
    now() - interval '90 days' * ((g % 997) / 997.0) AS at,
    g > :half AND g <= :stuck + :backlog AS seen) x;

-- The seen marks' audit rows (ADR 0015), as the mark statement writes them, and other ops actions.
INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
SELECT now(), 'ops-bench', 'attention_seen', m.subject_type, m.id, 'looked at', jsonb_build_object('kind', m.kind, 'since', m.since)
FROM (
    SELECT 'deposit' AS subject_type, id, 'proof_unconfirmed' AS kind, attention_seen_since AS since FROM deposits
        WHERE attention_seen_since IS NOT NULL AND status = 'expired'
    UNION ALL SELECT 'deposit', id, 'deposit_amount_differs', attention_seen_since FROM deposits WHERE attention_seen_since IS NOT NULL AND amount_differs
    UNION ALL SELECT 'proof', id, 'proof_failed', attention_seen_since FROM proofs WHERE attention_seen_since IS NOT NULL
    UNION ALL SELECT 'payout', id, CASE status WHEN 'refused' THEN 'payout_refused' WHEN 'failed' THEN 'payout_failed' ELSE 'payout_stale' END,
        attention_seen_since FROM payouts WHERE attention_seen_since IS NOT NULL
    UNION ALL SELECT 'transaction', id, 'item_unapplied', attention_seen_since FROM gateway_transactions WHERE attention_seen_since IS NOT NULL
    UNION ALL SELECT 'event', id, 'event_failed', attention_seen_since FROM outbox_events WHERE attention_seen_since IS NOT NULL
) m;
INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason)
SELECT now() - interval '1 minute' * g, 'ops-bench', 'payout_approve', 'payout', md5('payout:' || g)::uuid, NULL FROM generate_series(1, 5000) AS g;

ALTER TABLE deposits ENABLE TRIGGER deposits_record_changes;
COMMIT;
VACUUM (ANALYZE) deposits, proofs, payouts, postbacks, gateway_transactions, outbox_events, ops_actions;

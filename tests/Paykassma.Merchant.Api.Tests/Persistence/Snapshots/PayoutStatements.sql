-- statement Approve --
WITH approved AS (
    UPDATE payouts AS x
    SET status = 'sending', attempts = x.attempts + 1, next_attempt_at = $1, updated_at = $2, outcome_uncertain = x.outcome_uncertain OR x.status = 'sending'
    WHERE x.id = $3 AND x.status IN ('awaiting_approval') AND x.created_by <> $4
    RETURNING x.*
),
audited AS (
    INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
    SELECT $2, $4, 'payout_approve',
        'payout', c.id, $5, (NULL)::jsonb
    FROM approved c
    RETURNING subject_id
)
SELECT f.status, f.created_by = $4, m.id, m.withdrawal_id, m.label, m.amount, m.currency, m.payment_system, m.is_test, m.account_number, m.account_name, m.bank_details::text, m.status, m.created_by, m.idempotency_key, m.request_hash, m.attempts, m.attempt_limit, m.outcome_uncertain, m.next_attempt_at, m.last_error, m.gateway_message, m.withdrawal_status, m.reported_at, m.status_conflict, m.conflicting_status, m.settled_amount, m.amount_mismatch, m.created_at, m.updated_at, m.sent_at, m.stale_since, m.settled_at, m.attention_seen_since
FROM (SELECT 1) AS one
LEFT JOIN approved m ON true
LEFT JOIN payouts f ON f.id = $3 AND NOT EXISTS (SELECT 1 FROM approved)

-- statement ClaimDue --
UPDATE payouts AS x
SET status = 'sending', attempts = x.attempts + 1, next_attempt_at = $1, updated_at = $2, outcome_uncertain = x.outcome_uncertain OR x.status = 'sending'
FROM (SELECT id FROM payouts
      WHERE status IN ('approved', 'sending', 'queued') AND next_attempt_at <= $2
      ORDER BY next_attempt_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED) AS due
WHERE x.id = due.id
RETURNING x.id, x.withdrawal_id, x.payment_system, x.amount, x.currency, x.is_test, x.label, x.account_number, x.account_name, x.bank_details::text, x.attempts, x.attempt_limit, x.outcome_uncertain

-- statement Insert --
WITH earlier AS (
    SELECT e.id, e.withdrawal_id, e.label, e.amount, e.currency, e.payment_system, e.is_test, e.account_number, e.account_name, e.bank_details::text, e.status, e.created_by, e.idempotency_key, e.request_hash, e.attempts, e.attempt_limit, e.outcome_uncertain, e.next_attempt_at, e.last_error, e.gateway_message, e.withdrawal_status, e.reported_at, e.status_conflict, e.conflicting_status, e.settled_amount, e.amount_mismatch, e.created_at, e.updated_at, e.sent_at, e.stale_since, e.settled_at, e.attention_seen_since FROM payouts e
    WHERE e.created_by = $1 AND e.idempotency_key = $2
),
counted AS (
    INSERT INTO payout_daily_totals AS t (scope, key, day, total, daily_limit)
    SELECT s.scope, s.key, $3, $4, s.daily_limit
    FROM (VALUES (1, 'label', $5, $6),
                 (2, 'account', $7, $8)) AS s(ord, scope, key, daily_limit)
    WHERE NOT EXISTS (SELECT 1 FROM earlier)
    ORDER BY s.ord
    ON CONFLICT (scope, key, day) DO UPDATE SET total = t.total + EXCLUDED.total, daily_limit = EXCLUDED.daily_limit
    RETURNING scope, total
),
decided AS (
    SELECT $9::bigint IS NOT NULL AND c.total > $9::bigint AS held
    FROM counted c
    WHERE c.scope = 'account'
),
stored AS (
    INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number,
        account_name, bank_details, status, created_by, idempotency_key, request_hash, attempts, attempt_limit,
        outcome_uncertain, next_attempt_at, amount_mismatch, created_at, updated_at)
    SELECT $10, $11, $5, $4, $12, $13, $14,
        $7, $15, $16::jsonb,
        CASE WHEN d.held THEN 'awaiting_approval' ELSE 'sending' END,
        $1, $2, $17, CASE WHEN d.held THEN 0 ELSE 1 END, $18, false,
        CASE WHEN d.held THEN NULL ELSE $19 END, false, $20, $20
    FROM decided d
    RETURNING payouts.id, payouts.withdrawal_id, payouts.label, payouts.amount, payouts.currency, payouts.payment_system, payouts.is_test, payouts.account_number, payouts.account_name, payouts.bank_details::text, payouts.status, payouts.created_by, payouts.idempotency_key, payouts.request_hash, payouts.attempts, payouts.attempt_limit, payouts.outcome_uncertain, payouts.next_attempt_at, payouts.last_error, payouts.gateway_message, payouts.withdrawal_status, payouts.reported_at, payouts.status_conflict, payouts.conflicting_status, payouts.settled_amount, payouts.amount_mismatch, payouts.created_at, payouts.updated_at, payouts.sent_at, payouts.stale_since, payouts.settled_at, payouts.attention_seen_since
)
SELECT true, s.* FROM stored s
UNION ALL
SELECT false, e.* FROM earlier e

-- statement MarkStale --
UPDATE payouts AS p SET stale_since = $1
FROM (SELECT id FROM payouts
      WHERE status = 'sent' AND sent_at < $2 AND stale_since IS NULL
      ORDER BY sent_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED) AS due
WHERE p.id = due.id AND p.stale_since IS NULL
RETURNING p.id, p.withdrawal_id, p.sent_at

-- statement RecordAttempt --
WITH moved AS (
    UPDATE payouts
    SET status = $1, gateway_message = COALESCE($2, gateway_message), last_error = $3,
        outcome_uncertain = outcome_uncertain OR $4, next_attempt_at = $5,
        sent_at = CASE WHEN $1 = 'sent' THEN $6 ELSE sent_at END,
        updated_at = $6
    WHERE id = $7 AND attempts = $8 AND status = 'sending'
    RETURNING *
),
payout_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'payout.' || m.status, m.id, 'payout.' || m.status || ':' || m.id || ':' || m.attempts, jsonb_build_object('payoutId', m.id, 'withdrawalId', m.withdrawal_id, 'label', m.label, 'amount', m.amount, 'settledAmount', CASE WHEN m.status = 'paid' THEN trim_scale(m.settled_amount) END, 'currency', m.currency, 'status', m.status, 'amountMismatch', m.amount_mismatch, 'withdrawalStatus', m.withdrawal_status, 'gatewayMessage', m.gateway_message), $6::timestamptz
FROM moved m
WHERE m.status IN ('sent', 'refused', 'failed')) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
attempt AS (
    INSERT INTO payout_attempts (payout_id, attempt, outcome, gateway_message, error, outcome_uncertain, at)
    SELECT id, attempts, $1, $2, $3, $4, $6 FROM moved
)
SELECT count(*)::int FROM moved

-- statement RecordAttemptReturning --
WITH moved AS (
    UPDATE payouts
    SET status = $1, gateway_message = COALESCE($2, gateway_message), last_error = $3,
        outcome_uncertain = outcome_uncertain OR $4, next_attempt_at = $5,
        sent_at = CASE WHEN $1 = 'sent' THEN $6 ELSE sent_at END,
        updated_at = $6
    WHERE id = $7 AND attempts = $8 AND status = 'sending'
    RETURNING *
),
payout_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'payout.' || m.status, m.id, 'payout.' || m.status || ':' || m.id || ':' || m.attempts, jsonb_build_object('payoutId', m.id, 'withdrawalId', m.withdrawal_id, 'label', m.label, 'amount', m.amount, 'settledAmount', CASE WHEN m.status = 'paid' THEN trim_scale(m.settled_amount) END, 'currency', m.currency, 'status', m.status, 'amountMismatch', m.amount_mismatch, 'withdrawalStatus', m.withdrawal_status, 'gatewayMessage', m.gateway_message), $6::timestamptz
FROM moved m
WHERE m.status IN ('sent', 'refused', 'failed')) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
attempt AS (
    INSERT INTO payout_attempts (payout_id, attempt, outcome, gateway_message, error, outcome_uncertain, at)
    SELECT id, attempts, $1, $2, $3, $4, $6 FROM moved
)
SELECT moved.id, moved.withdrawal_id, moved.label, moved.amount, moved.currency, moved.payment_system, moved.is_test, moved.account_number, moved.account_name, moved.bank_details::text, moved.status, moved.created_by, moved.idempotency_key, moved.request_hash, moved.attempts, moved.attempt_limit, moved.outcome_uncertain, moved.next_attempt_at, moved.last_error, moved.gateway_message, moved.withdrawal_status, moved.reported_at, moved.status_conflict, moved.conflicting_status, moved.settled_amount, moved.amount_mismatch, moved.created_at, moved.updated_at, moved.sent_at, moved.stale_since, moved.settled_at, moved.attention_seen_since FROM moved

-- statement Reject --
WITH rejected AS (
    UPDATE payouts SET status = 'rejected', next_attempt_at = NULL, updated_at = $1
    WHERE id = $2 AND status IN ('awaiting_approval')
    RETURNING *
),
freed AS (
    INSERT INTO payout_daily_totals AS t (scope, key, day, total)
    SELECT s.scope, s.key, (r.created_at AT TIME ZONE 'UTC')::date, 0
    FROM rejected r
    CROSS JOIN LATERAL (VALUES (1, 'label', r.label),
                               (2, 'account', r.account_number)) AS s(ord, scope, key)
    ORDER BY s.ord
    ON CONFLICT (scope, key, day) DO UPDATE SET total = t.total - (SELECT amount FROM rejected)
),
audited AS (
    INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
    SELECT $1, $3, 'payout_reject',
        'payout', c.id, $4, (NULL)::jsonb
    FROM rejected c
    RETURNING subject_id
),
rejected_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (-- The back office debited the user when it asked: the ledger must hear the money is not going out, and why.
SELECT 'payout.rejected', r.id, 'payout.rejected:' || r.id,
    jsonb_build_object('payoutId', r.id, 'withdrawalId', r.withdrawal_id, 'label', r.label, 'amount', r.amount, 'settledAmount', CASE WHEN r.status = 'paid' THEN trim_scale(r.settled_amount) END, 'currency', r.currency, 'status', r.status, 'amountMismatch', r.amount_mismatch, 'withdrawalStatus', r.withdrawal_status, 'gatewayMessage', r.gateway_message) || jsonb_build_object('reason', $4::text), $1::timestamptz
FROM rejected r) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
)
SELECT f.status, f.created_by = $3, m.id, m.withdrawal_id, m.label, m.amount, m.currency, m.payment_system, m.is_test, m.account_number, m.account_name, m.bank_details::text, m.status, m.created_by, m.idempotency_key, m.request_hash, m.attempts, m.attempt_limit, m.outcome_uncertain, m.next_attempt_at, m.last_error, m.gateway_message, m.withdrawal_status, m.reported_at, m.status_conflict, m.conflicting_status, m.settled_amount, m.amount_mismatch, m.created_at, m.updated_at, m.sent_at, m.stale_since, m.settled_at, m.attention_seen_since
FROM (SELECT 1) AS one
LEFT JOIN rejected m ON true
LEFT JOIN payouts f ON f.id = $2 AND NOT EXISTS (SELECT 1 FROM rejected)

-- statement Retry --
WITH retried AS (
    UPDATE payouts AS x
    SET status = 'sending', attempts = x.attempts + 1, next_attempt_at = $1,
        attempt_limit = x.attempts + $2, updated_at = $3, outcome_uncertain = x.outcome_uncertain OR x.status = 'sending'
    WHERE x.id = $4 AND x.status IN ('refused', 'failed')
    RETURNING x.*
),
audited AS (
    INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
    SELECT $3, $5, 'payout_retry',
        'payout', c.id, $6, (NULL)::jsonb
    FROM retried c
    RETURNING subject_id
)
SELECT f.status, f.created_by = $5, m.id, m.withdrawal_id, m.label, m.amount, m.currency, m.payment_system, m.is_test, m.account_number, m.account_name, m.bank_details::text, m.status, m.created_by, m.idempotency_key, m.request_hash, m.attempts, m.attempt_limit, m.outcome_uncertain, m.next_attempt_at, m.last_error, m.gateway_message, m.withdrawal_status, m.reported_at, m.status_conflict, m.conflicting_status, m.settled_amount, m.amount_mismatch, m.created_at, m.updated_at, m.sent_at, m.stale_since, m.settled_at, m.attention_seen_since
FROM (SELECT 1) AS one
LEFT JOIN retried m ON true
LEFT JOIN payouts f ON f.id = $4 AND NOT EXISTS (SELECT 1 FROM retried)


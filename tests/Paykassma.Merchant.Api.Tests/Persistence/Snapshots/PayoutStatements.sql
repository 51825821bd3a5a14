-- statement Approve --
WITH approved AS (
    UPDATE payouts SET status = 'approved', next_attempt_at = $3, updated_at = $3
    WHERE id = $1 AND status = 'awaiting_approval' AND created_by <> $2
    RETURNING id
),
audited AS (
    INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
    SELECT $3, $2, 'payout_approve',
        'payout', c.id, $4, (NULL)::jsonb
    FROM approved c
    RETURNING subject_id
)
SELECT EXISTS (SELECT 1 FROM approved), p.status, p.created_by = $2
FROM (SELECT 1) AS one
LEFT JOIN payouts p ON p.id = $1 AND NOT EXISTS (SELECT 1 FROM approved)

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

-- statement ClaimOne --
UPDATE payouts AS x
SET status = 'sending', attempts = x.attempts + 1, next_attempt_at = $1, updated_at = $2, outcome_uncertain = x.outcome_uncertain OR x.status = 'sending'
FROM (SELECT id FROM payouts
      WHERE status IN ('approved', 'sending', 'queued') AND next_attempt_at <= $2 AND id = $3
      ORDER BY next_attempt_at
      LIMIT $4
      FOR UPDATE SKIP LOCKED) AS due
WHERE x.id = due.id
RETURNING x.id, x.withdrawal_id, x.payment_system, x.amount, x.currency, x.is_test, x.label, x.account_number, x.account_name, x.bank_details::text, x.attempts, x.attempt_limit, x.outcome_uncertain

-- statement Insert --
WITH counted AS (
    INSERT INTO payout_daily_totals AS t (scope, key, day, total, daily_limit)
    VALUES ('label', $1, $2, $3, $4),
           ('account', $5, $2, $3, $6)
    ON CONFLICT (scope, key, day) DO UPDATE SET total = t.total + EXCLUDED.total, daily_limit = EXCLUDED.daily_limit
    RETURNING scope, total
),
decided AS (
    SELECT $7::bigint IS NOT NULL AND c.total > $7::bigint AS held
    FROM counted c
    WHERE c.scope = 'account'
)
INSERT INTO payouts (id, withdrawal_id, label, amount, currency, payment_system, is_test, account_number,
    account_name, bank_details, status, created_by, idempotency_key, request_hash, attempts, attempt_limit,
    outcome_uncertain, next_attempt_at, amount_mismatch, created_at, updated_at)
SELECT $8, $9, $1, $3, $10, $11, $12,
    $5, $13, $14::jsonb,
    CASE WHEN d.held THEN 'awaiting_approval' ELSE 'sending' END,
    $15, $16, $17, CASE WHEN d.held THEN 0 ELSE 1 END, $18, false,
    CASE WHEN d.held THEN NULL ELSE $19 END, false, $20, $20
FROM decided d
RETURNING status, attempts, next_attempt_at

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

-- statement Reject --
WITH rejected AS (
    UPDATE payouts SET status = 'rejected', next_attempt_at = NULL, updated_at = $4
    WHERE id = $1 AND status = 'awaiting_approval'
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
    SELECT $4, $2, 'payout_reject',
        'payout', c.id, $3, (NULL)::jsonb
    FROM rejected c
    RETURNING subject_id
),
rejected_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (-- The back office debited the user when it asked: the ledger must hear the money is not going out, and why.
SELECT 'payout.rejected', r.id, 'payout.rejected:' || r.id,
    jsonb_build_object('payoutId', r.id, 'withdrawalId', r.withdrawal_id, 'label', r.label, 'amount', r.amount, 'settledAmount', CASE WHEN r.status = 'paid' THEN trim_scale(r.settled_amount) END, 'currency', r.currency, 'status', r.status, 'amountMismatch', r.amount_mismatch, 'withdrawalStatus', r.withdrawal_status, 'gatewayMessage', r.gateway_message) || jsonb_build_object('reason', $3::text), $4::timestamptz
FROM rejected r) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
)
SELECT id FROM rejected

-- statement Retry --
WITH retried AS (
    UPDATE payouts SET status = 'queued', attempt_limit = attempts + $3,
        next_attempt_at = $4, updated_at = $4
    WHERE id = $1 AND status IN ('refused', 'failed')
    RETURNING id
),
audited AS (
    INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
    SELECT $4, $2, 'payout_retry',
        'payout', c.id, $5, (NULL)::jsonb
    FROM retried c
    RETURNING subject_id
)
SELECT id FROM retried


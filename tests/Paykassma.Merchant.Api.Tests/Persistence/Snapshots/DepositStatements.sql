-- statement ClaimKey --
WITH claimed AS (
    INSERT INTO deposit_idempotency_keys (label, key, request_hash, locked_until, created_at)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (label, key) DO NOTHING
    RETURNING key
)
SELECT EXISTS (SELECT 1 FROM claimed), k.request_hash, k.locked_until, k.deposit_id
FROM (SELECT 1) AS one
LEFT JOIN deposit_idempotency_keys k ON k.label = $1 AND k.key = $2 AND NOT EXISTS (SELECT 1 FROM claimed)

-- statement Expire --
WITH expired AS (
    UPDATE deposits SET status = 'expired', expired_at = $1, updated_at = $1
    WHERE id IN (SELECT id FROM deposits
                 WHERE status IN ('awaiting_payment', 'proof_submitted', 'pending_confirmation') AND created_at < $2
                 ORDER BY created_at
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED)
      AND status IN ('awaiting_payment', 'proof_submitted', 'pending_confirmation')
    RETURNING *
),
expired_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'deposit.expired', x.id, 'deposit.expired:' || x.id, jsonb_build_object('depositId', x.id, 'label', x.label, 'amount', trim_scale(x.confirmed_amount), 'requestedAmount', x.amount, 'currency', x.currency, 'status', x.status, 'amountMismatch', x.amount_mismatch, 'amountDiffers', x.amount_differs), $1::timestamptz
FROM expired x) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
)
SELECT count(*)::int FROM expired

-- statement Insert --
INSERT INTO deposits (id, label, status, currency, wallet_type, amount, wallet_number, account_name,
    is_check_amount, gateway_params, amount_mismatch, confirmed_after_expiry, created_at, updated_at, custom_transaction_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false, false, $11, $11, $12)

-- statement InsertCompletingKey --
WITH completed AS (
    UPDATE deposit_idempotency_keys SET deposit_id = $1
    WHERE label = $2 AND key = $3 AND deposit_id IS NULL
    RETURNING key
)
INSERT INTO deposits (id, label, status, currency, wallet_type, amount, wallet_number, account_name,
    is_check_amount, gateway_params, amount_mismatch, confirmed_after_expiry, created_at, updated_at, custom_transaction_id)
SELECT $1, $2, $4, $5, $6, $7, $8, $9, $10, $11, false, false, $12, $12, $13 FROM completed


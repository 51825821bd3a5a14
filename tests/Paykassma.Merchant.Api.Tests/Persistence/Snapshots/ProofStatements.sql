-- statement ClaimDue --
UPDATE proofs AS x
SET status = 'submitting', attempts = x.attempts + 1, next_attempt_at = $1, updated_at = $2, outcome_uncertain = x.outcome_uncertain OR x.status = 'submitting'
FROM (SELECT id FROM proofs
      WHERE status IN ('submitting', 'queued') AND next_attempt_at <= $2
      ORDER BY next_attempt_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED) AS due
WHERE x.id = due.id
RETURNING x.id, x.label, x.transaction_number, x.amount, x.custom_transaction_id, x.screenshot_file_name, x.screenshot_content_type, x.attempts, x.attempt_limit, x.outcome_uncertain

-- statement Insert --
WITH deposit AS (
    SELECT d.id, d.status, d.proof_count FROM deposits d
    WHERE d.id = $1 AND d.label = $2
    FOR NO KEY UPDATE
),
earlier AS (
    SELECT id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, gateway_message, attempts, outcome_uncertain, next_attempt_at, last_error, attempt_limit, idempotency_key, request_hash, screenshot_file_name, screenshot_content_type, screenshot_size, screenshot_sha256, created_at, updated_at, forwarded_at, attention_seen_since FROM proofs
    WHERE deposit_id = $1 AND idempotency_key = $3
),
held AS (
    SELECT bool_or(deposit_id = $1) AS here FROM proofs
    WHERE transaction_number = $4::char(12) AND status <> 'rejected'
    HAVING count(*) > 0
),
slot AS (
    UPDATE deposits d SET proof_count = d.proof_count + 1,
        status = CASE WHEN d.status IN ('awaiting_payment')
            THEN 'proof_submitted' ELSE d.status END,
        updated_at = CASE WHEN d.status IN ('awaiting_payment')
            THEN $5 ELSE d.updated_at END
    FROM deposit x
    WHERE d.id = x.id AND x.status IN ('awaiting_payment', 'proof_submitted', 'pending_confirmation')
        AND x.proof_count < $6
        AND NOT EXISTS (SELECT 1 FROM earlier) AND NOT EXISTS (SELECT 1 FROM held)
    RETURNING d.id
),
proof AS (
    INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status,
        attempts, attempt_limit, outcome_uncertain, next_attempt_at, idempotency_key, request_hash,
        screenshot_file_name, screenshot_content_type, screenshot_size, screenshot_sha256, created_at, updated_at)
    SELECT $7, s.id, $2, $8, $4, $9,
        'submitting', $10, $11, false, $12,
        $3, $13, $14, $15,
        $16, $17, $5, $18
    FROM slot s
    RETURNING id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, gateway_message, attempts, outcome_uncertain, next_attempt_at, last_error, attempt_limit, idempotency_key, request_hash, screenshot_file_name, screenshot_content_type, screenshot_size, screenshot_sha256, created_at, updated_at, forwarded_at, attention_seen_since
),
screenshot AS (
    INSERT INTO proof_screenshots (proof_id, data) SELECT id, $19 FROM proof
)
SELECT CASE
        WHEN EXISTS (SELECT 1 FROM proof) THEN 0
        WHEN NOT EXISTS (SELECT 1 FROM deposit) THEN 1
        WHEN EXISTS (SELECT 1 FROM earlier) THEN 2
        WHEN (SELECT status FROM deposit) NOT IN ('awaiting_payment', 'proof_submitted', 'pending_confirmation')
            THEN 3
        WHEN (SELECT proof_count FROM deposit) >= $6 THEN 4
        WHEN (SELECT here FROM held) THEN 5
        ELSE 6
    END AS verdict, r.*
FROM (SELECT 1) AS one
LEFT JOIN (SELECT * FROM proof UNION ALL SELECT * FROM earlier) AS r ON true

-- statement ReadScreenshot --
SELECT data FROM proof_screenshots WHERE proof_id = $1

-- statement RecordAttempt --
WITH moved AS (
    UPDATE proofs SET status = $1,
        gateway_message = CASE WHEN $1 IN ('forwarded', 'rejected') THEN $2 ELSE gateway_message END,
        forwarded_at = CASE WHEN $1 = 'forwarded' THEN $3 ELSE forwarded_at END,
        last_error = CASE WHEN $1 = 'rejected' THEN last_error ELSE $4 END,
        outcome_uncertain = outcome_uncertain OR $5, next_attempt_at = $6, updated_at = $3
    WHERE id = $7 AND attempts = $8 AND status = 'submitting'
    RETURNING *
),
pending AS (
    UPDATE deposits d SET status = 'pending_confirmation', updated_at = $3,
        proof_forwarded_at = COALESCE(d.proof_forwarded_at, $3)
    FROM moved f
    WHERE f.status = 'forwarded' AND d.id = f.deposit_id AND d.status IN ('awaiting_payment', 'proof_submitted')
),
late AS (
    UPDATE deposits d SET proof_forwarded_at = $3
    FROM moved f
    WHERE f.status = 'forwarded' AND d.id = f.deposit_id AND d.status = 'expired'
        AND d.proof_forwarded_at IS NULL
),
pulled AS (
    UPDATE proofs SET next_attempt_at = $3
    WHERE status = 'queued' AND next_attempt_at > $3
        AND EXISTS (SELECT 1 FROM moved WHERE status = 'forwarded')
),
proof_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'proof.rejected', r.id, 'proof.rejected:' || r.id,
    jsonb_build_object('proofId', r.id, 'depositId', r.deposit_id, 'label', r.label, 'amount', r.amount, 'currency', (SELECT d.currency FROM deposits d WHERE d.id = r.deposit_id), 'status', r.status, 'gatewayMessage', r.gateway_message), $3::timestamptz
FROM moved r
WHERE r.status = 'rejected') AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
)
SELECT count(*)::int FROM moved

-- statement RecordAttemptReturning --
WITH moved AS (
    UPDATE proofs SET status = $1,
        gateway_message = CASE WHEN $1 IN ('forwarded', 'rejected') THEN $2 ELSE gateway_message END,
        forwarded_at = CASE WHEN $1 = 'forwarded' THEN $3 ELSE forwarded_at END,
        last_error = CASE WHEN $1 = 'rejected' THEN last_error ELSE $4 END,
        outcome_uncertain = outcome_uncertain OR $5, next_attempt_at = $6, updated_at = $3
    WHERE id = $7 AND attempts = $8 AND status = 'submitting'
    RETURNING *
),
pending AS (
    UPDATE deposits d SET status = 'pending_confirmation', updated_at = $3,
        proof_forwarded_at = COALESCE(d.proof_forwarded_at, $3)
    FROM moved f
    WHERE f.status = 'forwarded' AND d.id = f.deposit_id AND d.status IN ('awaiting_payment', 'proof_submitted')
),
late AS (
    UPDATE deposits d SET proof_forwarded_at = $3
    FROM moved f
    WHERE f.status = 'forwarded' AND d.id = f.deposit_id AND d.status = 'expired'
        AND d.proof_forwarded_at IS NULL
),
pulled AS (
    UPDATE proofs SET next_attempt_at = $3
    WHERE status = 'queued' AND next_attempt_at > $3
        AND EXISTS (SELECT 1 FROM moved WHERE status = 'forwarded')
),
proof_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'proof.rejected', r.id, 'proof.rejected:' || r.id,
    jsonb_build_object('proofId', r.id, 'depositId', r.deposit_id, 'label', r.label, 'amount', r.amount, 'currency', (SELECT d.currency FROM deposits d WHERE d.id = r.deposit_id), 'status', r.status, 'gatewayMessage', r.gateway_message), $3::timestamptz
FROM moved r
WHERE r.status = 'rejected') AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
)
SELECT id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, gateway_message, attempts, outcome_uncertain, next_attempt_at, last_error, attempt_limit, idempotency_key, request_hash, screenshot_file_name, screenshot_content_type, screenshot_size, screenshot_sha256, created_at, updated_at, forwarded_at, attention_seen_since FROM moved

-- statement Requeue --
WITH requeued AS (
    UPDATE proofs SET status = 'queued', attempt_limit = attempts + $3,
        next_attempt_at = $4, updated_at = $4
    WHERE id = $1 AND status IN ('failed')
    RETURNING id
),
audited AS (
    INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
    SELECT $4, $2, 'proof_retry',
        'proof', c.id, $5, (NULL)::jsonb
    FROM requeued c
    RETURNING subject_id
)
SELECT id FROM requeued


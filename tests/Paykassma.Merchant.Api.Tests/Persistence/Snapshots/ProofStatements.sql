-- statement ClaimDue --
UPDATE proofs AS p
SET status = 'submitting', attempts = p.attempts + 1, next_attempt_at = $2,
    updated_at = $1, outcome_uncertain = p.outcome_uncertain OR p.status = 'submitting'
FROM (SELECT id FROM proofs
      WHERE status IN ('submitting', 'queued') AND next_attempt_at <= $1
      ORDER BY next_attempt_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED) AS due
WHERE p.id = due.id
RETURNING p.id

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

-- statement MarkForwarded --
WITH forwarded AS (
    UPDATE proofs SET status = 'forwarded', gateway_message = $3,
        forwarded_at = $4, outcome_uncertain = outcome_uncertain OR $5, next_attempt_at = NULL,
        last_error = NULL, updated_at = $4
    WHERE id = $1 AND status IN ('submitting') AND attempts = $2
    RETURNING deposit_id
),
pending AS (
    UPDATE deposits d SET status = 'pending_confirmation', updated_at = $4,
        proof_forwarded_at = COALESCE(d.proof_forwarded_at, $4)
    FROM forwarded f
    WHERE d.id = f.deposit_id AND d.status IN ('awaiting_payment', 'proof_submitted')
),
late AS (
    UPDATE deposits d SET proof_forwarded_at = $4
    FROM forwarded f
    WHERE d.id = f.deposit_id AND d.status = 'expired' AND d.proof_forwarded_at IS NULL
)
SELECT count(*)::int FROM forwarded

-- statement MarkRejected --
WITH rejected AS (
    UPDATE proofs SET status = 'rejected', gateway_message = $3,
        next_attempt_at = NULL, updated_at = $4
    WHERE id = $1 AND status = 'submitting' AND attempts = $2
    RETURNING *
),
proof_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT gen_random_uuid(), e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'proof.rejected', r.id, 'proof.rejected:' || r.id,
    jsonb_build_object('proofId', r.id, 'depositId', r.deposit_id, 'label', r.label, 'amount', r.amount, 'currency', (SELECT d.currency FROM deposits d WHERE d.id = r.deposit_id), 'status', r.status, 'gatewayMessage', r.gateway_message), $4::timestamptz
FROM rejected r) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
)
SELECT count(*)::int FROM rejected

-- statement ReadScreenshot --
SELECT data FROM proof_screenshots WHERE proof_id = $1

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


-- statement ClaimDue --
UPDATE outbox_events AS e
SET status = 'delivering', attempts = e.attempts + 1, next_attempt_at = $2
FROM (SELECT id FROM outbox_events
      WHERE status IN ('pending', 'delivering') AND next_attempt_at <= $1
      ORDER BY next_attempt_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED) AS due
WHERE e.id = due.id
RETURNING e.id

-- statement RecordAttempt --
UPDATE outbox_events
SET status = $3, last_error = $4, next_attempt_at = $5,
    delivered_at = CASE WHEN $3 = 'delivered' THEN $6 ELSE delivered_at END,
    failed_at = CASE WHEN $3 = 'failed' THEN $6 ELSE failed_at END
WHERE id = $1 AND attempts = $2 AND status = 'delivering'

-- statement Redeliver --
WITH redelivered AS (
    UPDATE outbox_events SET status = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL
    WHERE id = $1 AND status IN ('delivered', 'failed')
    RETURNING id, type
),
audited AS (
    INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
    SELECT $2, $3, 'event_redeliver',
        'event', c.id, $4, (jsonb_build_object('type', c.type))::jsonb
    FROM redelivered c
    RETURNING subject_id
)
SELECT id FROM redelivered


-- statement ClaimDue --
UPDATE outbox_events AS x
SET status = 'delivering', attempts = x.attempts + 1, next_attempt_at = $1
FROM (SELECT id FROM outbox_events
      WHERE status IN ('pending', 'delivering') AND next_attempt_at <= $2
      ORDER BY next_attempt_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED) AS due
WHERE x.id = due.id
RETURNING x.id, x.type, x.created_at, x.data::text, x.attempts, $4::int

-- statement RecordAttempt --
WITH moved AS (
    UPDATE outbox_events
    SET status = $1, last_error = $2, next_attempt_at = $3,
        delivered_at = CASE WHEN $1 = 'delivered' THEN $4 ELSE delivered_at END,
        failed_at = CASE WHEN $1 = 'failed' THEN $4 ELSE failed_at END
    WHERE id = $5 AND attempts = $6 AND status = 'delivering'
    RETURNING id
)
SELECT count(*)::int FROM moved

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


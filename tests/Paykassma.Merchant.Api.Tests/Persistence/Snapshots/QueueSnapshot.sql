-- gauge ProofGauges --
SELECT (SELECT count(*) FROM ((SELECT 1 FROM proofs WHERE status = 'submitting' ORDER BY created_at LIMIT $1) UNION ALL (SELECT 1 FROM proofs WHERE status = 'queued' ORDER BY created_at LIMIT $1) LIMIT $1) AS counted), LEAST((SELECT min(created_at) FROM proofs WHERE status = 'submitting'), (SELECT min(created_at) FROM proofs WHERE status = 'queued'))

-- gauge DepositGauges --
SELECT 'awaiting_payment' AS status, (SELECT count(*) FROM (SELECT 1 FROM deposits WHERE status = 'awaiting_payment' ORDER BY created_at LIMIT $1) AS counted) AS count
UNION ALL SELECT 'proof_submitted' AS status, (SELECT count(*) FROM (SELECT 1 FROM deposits WHERE status = 'proof_submitted' ORDER BY created_at LIMIT $1) AS counted) AS count
UNION ALL SELECT 'pending_confirmation' AS status, (SELECT count(*) FROM (SELECT 1 FROM deposits WHERE status = 'pending_confirmation' ORDER BY created_at LIMIT $1) AS counted) AS count

-- gauge PayoutGauges --
SELECT (SELECT count(*) FROM ((SELECT 1 FROM payouts WHERE status = 'approved' ORDER BY created_at LIMIT $1) UNION ALL (SELECT 1 FROM payouts WHERE status = 'sending' ORDER BY created_at LIMIT $1) UNION ALL (SELECT 1 FROM payouts WHERE status = 'queued' ORDER BY created_at LIMIT $1) LIMIT $1) AS counted), LEAST((SELECT min(created_at) FROM payouts WHERE status = 'approved'), (SELECT min(created_at) FROM payouts WHERE status = 'sending'), (SELECT min(created_at) FROM payouts WHERE status = 'queued'))

-- gauge PayoutGauges --
SELECT count(*) FROM payouts WHERE status = 'awaiting_approval'

-- gauge PayoutGauges --
SELECT count(*) FROM payouts WHERE status = 'sent' AND sent_at < $1

-- gauge EventGauges --
SELECT (SELECT count(*) FROM ((SELECT 1 FROM outbox_events WHERE status = 'pending' ORDER BY created_at LIMIT $1) UNION ALL (SELECT 1 FROM outbox_events WHERE status = 'delivering' ORDER BY created_at LIMIT $1) LIMIT $1) AS counted), LEAST((SELECT min(created_at) FROM outbox_events WHERE status = 'pending'), (SELECT min(created_at) FROM outbox_events WHERE status = 'delivering'))

-- gauge AttentionGauges --
SELECT 'proof_unconfirmed'::text, count(*) FROM deposits s WHERE s.status IN ('pending_confirmation', 'expired') AND s.proof_forwarded_at IS NOT NULL AND s.proof_forwarded_at < @unconfirmed_before AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.proof_forwarded_at)
UNION ALL
SELECT 'proof_queued'::text, count(*) FROM proofs s WHERE s.status = 'queued' AND s.attempts > 1 AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.created_at)
UNION ALL
SELECT 'proof_failed'::text, count(*) FROM proofs s WHERE s.status = 'failed' AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.updated_at)
UNION ALL
SELECT 'payout_awaiting_approval'::text, count(*) FROM payouts s WHERE s.status = 'awaiting_approval' AND s.created_at < @approval_before AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.created_at)
UNION ALL
SELECT 'payout_refused'::text, count(*) FROM payouts s WHERE s.status = 'refused' AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.updated_at)
UNION ALL
SELECT 'payout_failed'::text, count(*) FROM payouts s WHERE s.status = 'failed' AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.updated_at)
UNION ALL
SELECT 'payout_stale'::text, count(*) FROM payouts s WHERE s.status = 'sent' AND s.stale_since IS NOT NULL AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.stale_since)
UNION ALL
SELECT 'payout_status_conflict'::text, count(*) FROM payouts s WHERE s.status_conflict AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> COALESCE((SELECT min(t.stored_at) FROM gateway_transactions t
          WHERE t.payout_id = s.id AND t.unapplied_reason = 'status_conflict'), s.updated_at))
UNION ALL
SELECT 'postback_held'::text, count(*) FROM postbacks s WHERE s.outcome = 'held' AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.received_at)
UNION ALL
SELECT 'item_unapplied'::text, count(*) FROM gateway_transactions s WHERE s.unapplied_reason IS NOT NULL AND s.unapplied_reason NOT IN ('payout_already_settled', 'status_conflict') AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.stored_at)
UNION ALL
SELECT 'event_failed'::text, count(*) FROM outbox_events s WHERE s.status = 'failed' AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.failed_at)
UNION ALL
SELECT 'deposit_amount_differs'::text, count(*) FROM deposits s WHERE s.amount_differs AND (s.attention_seen_since IS NULL OR s.attention_seen_since <> s.updated_at)


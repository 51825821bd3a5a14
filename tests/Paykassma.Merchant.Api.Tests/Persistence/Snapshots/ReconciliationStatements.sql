-- statement Report --
WITH facts AS MATERIALIZED (
    SELECT width_bucket(COALESCE(t.activated_at, t.stored_at), @starts) AS day, t.id, t.direction, t.applied, t.unapplied_reason,
        upper(t.currency_code) AS currency, t.amount, t.deposit_id, t.payout_id, t.withdrawal_status
    FROM gateway_transactions t
    WHERE COALESCE(t.activated_at, t.stored_at) >= @from AND COALESCE(t.activated_at, t.stored_at) < @to
),
settling AS (
    -- A withdrawal is reported more than once (interim statuses, then a final one; ADR 0014), so a
    -- payout is counted once, by the one applied final status that settled it: the first final
    -- status applies, any later one is stored unapplied (already settled, or a conflict).
    SELECT DISTINCT ON (f.payout_id) f.day, f.currency, f.amount, p.status = 'paid' AS paid
    FROM facts f
    JOIN payouts p ON p.id = f.payout_id
    WHERE f.direction = 'outgoing' AND f.applied
      AND ((p.status = 'paid' AND f.withdrawal_status = ANY (@paid))
        OR (p.status = 'cancelled' AND f.withdrawal_status = ANY (@cancelled)))
    ORDER BY f.payout_id, f.day, f.id
),
differs AS (
    -- A deposit belongs to the day of its first signed transaction (the one that confirmed it),
    -- and is compared with all of them: a second transfer on a later day changes its total, not its day.
    SELECT width_bucket(first.reported_at, @starts) AS day, upper(d.currency) AS currency,
        d.amount AS asked, d.confirmed_amount AS paid
    FROM (SELECT DISTINCT deposit_id FROM facts WHERE direction = 'ingoing' AND applied) confirmed
    JOIN deposits d ON d.id = confirmed.deposit_id
    CROSS JOIN LATERAL (
        SELECT min(COALESCE(t.activated_at, t.stored_at)) AS reported_at FROM gateway_transactions t
        WHERE t.deposit_id = d.id AND t.direction = 'ingoing' AND t.applied) first
    WHERE d.amount IS NOT NULL AND d.confirmed_amount IS DISTINCT FROM d.amount AND first.reported_at >= @from
)
SELECT 'deposits_confirmed', day, currency, NULL, count(*), sum(amount)
FROM facts WHERE direction = 'ingoing' AND applied GROUP BY day, currency
UNION ALL
SELECT 'deposits_amount_differs_asked', day, currency, NULL, count(*), sum(asked)
FROM differs GROUP BY day, currency
UNION ALL
SELECT 'deposits_amount_differs_paid', day, currency, NULL, count(*), sum(paid)
FROM differs GROUP BY day, currency
UNION ALL
SELECT CASE WHEN paid THEN 'payouts_paid' ELSE 'payouts_cancelled' END,
    day, currency, NULL, count(*), sum(amount)
FROM settling GROUP BY paid, day, currency
UNION ALL
SELECT 'unapplied', day, currency, unapplied_reason, count(*), COALESCE(sum(amount), 0)
FROM facts WHERE unapplied_reason IS NOT NULL GROUP BY day, currency, unapplied_reason
UNION ALL
-- Our own rows, by the day they were asked for; as of now, not as of that day.
SELECT CASE WHEN status = 'refused' THEN 'payouts_refused' ELSE 'payouts_pending' END,
    width_bucket(created_at, @starts), upper(currency), NULL, count(*), sum(amount)
FROM payouts
WHERE status IN ('awaiting_approval', 'approved', 'sending', 'sent', 'queued', 'refused', 'failed') AND created_at >= @from AND created_at < @to
GROUP BY 1, 2, 3
UNION ALL
SELECT 'events_undelivered', width_bucket(created_at, @starts), NULL, type, count(*), 0
FROM outbox_events
WHERE status IN ('pending', 'delivering', 'failed') AND created_at >= @from AND created_at < @to
GROUP BY 2, 4


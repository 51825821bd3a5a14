-- statement DeleteExpired --
DELETE FROM postbacks
WHERE id IN (SELECT p.id FROM postbacks p
             WHERE p.outcome IN ('duplicate', 'rejected')
               AND p.received_at < $1
               AND NOT EXISTS (SELECT 1 FROM gateway_transactions g WHERE g.postback_id = p.id)
             ORDER BY p.received_at
             LIMIT $2
             FOR UPDATE SKIP LOCKED)

-- statement InsertUnapplied --
INSERT INTO postbacks (id, label, outcome, reject_reason, reject_detail, received_at, body, body_length,
    body_truncated, body_sha256, remote_ip, verified_with, format, signature, access_key, direction, amount,
    transaction_ids, signed_sha256, transaction_count, new_transaction_count)
VALUES ($1, $2, $3, $4, $5, $6,
    $7, $8, $9, $10, $11, $12,
    $13, $14, $15, $16, $17, $18,
    $19, cardinality($18::text[]), 0)

-- statement Reverify --
WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[], $15::int[], $16::text[], $17::int[], $18::text[], $19::text[], $20::text[]) WITH ORDINALITY AS t(id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item_reason, item, ord)
),
payouts_named AS (
    -- The payouts that signed withdrawal ids name, locked and read as they are now, not as this
    -- statement's snapshot had them: two reports of one withdrawal (paid and cancelled, say) are
    -- then judged one after the other, so a contradiction is always seen as one. Only in the
    -- statements built for withdrawals: a deposit's postback does not touch payouts.
    SELECT id, withdrawal_id, amount, status, currency FROM payouts
    WHERE withdrawal_id = ANY (ARRAY(SELECT withdrawal_id FROM incoming WHERE direction = 'outgoing' AND withdrawal_id IS NOT NULL))
    FOR UPDATE
),

matched AS (
    SELECT i.*, p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
        COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
        w.amount AS window_amount, po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency,
        -- What a withdrawal status means for the payout: the status it settles it in, or none (interim, unknown).
        CASE WHEN i.withdrawal_status = ANY ($22::int[]) THEN 'paid'
             WHEN i.withdrawal_status = ANY ($23::int[]) THEN 'cancelled'
        END AS settles_to
    FROM incoming i
    LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
            -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
            -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
            LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
    LEFT JOIN payouts_named po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
),
judged AS (
    -- Why an item cannot apply, if it cannot.
    SELECT m.*, COALESCE(m.item_reason, CASE
        WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN 'no_matching_payout'
        WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ('sending', 'sent', 'queued', 'refused', 'failed', 'paid', 'cancelled')
            THEN 'payout_not_settleable'
        WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN 'currency_mismatch'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') AND m.settles_to <> b.status THEN 'status_conflict'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') THEN 'payout_already_settled'
        WHEN m.direction = 'outgoing' THEN NULL
        WHEN m.deposit_id IS NULL THEN 'no_matching_proof'
        WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN 'currency_mismatch'
    END) AS reason
    FROM matched m
    CROSS JOIN LATERAL (SELECT COALESCE(
        (SELECT e.settles_to FROM matched e
         WHERE m.direction = 'outgoing' AND m.payout_status IN ('sending', 'sent', 'queued', 'refused', 'failed')
           AND e.payout_id = m.payout_id AND e.ord < m.ord AND e.settles_to IS NOT NULL AND e.item_reason IS NULL
         ORDER BY e.ord LIMIT 1),
        m.payout_status) AS status) b
),
inserted AS (
    INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
        stored_at, id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item)
    SELECT $24, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
        (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
            OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
            OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
        $21, j.id, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code, j.wallet_type, j.custom_order_id, j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type, j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json
    FROM judged j
    -- No target: the fact key is the one unique key besides the primary key.
    ON CONFLICT DO NOTHING
    RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
),
credited AS (
    -- A window deposit's items credit no proof: no NULL may enter credited_proof_ids.
    SELECT deposit_id, sum(amount) AS total,
        COALESCE(array_agg(DISTINCT proof_id) FILTER (WHERE proof_id IS NOT NULL), ARRAY[]::uuid[]) AS proof_ids
    FROM inserted WHERE applied AND deposit_id IS NOT NULL GROUP BY deposit_id
),
confirmed AS (
    -- Status only moves forward: any status becomes confirmed, confirmed stays confirmed, and
    -- the confirmed amount is the sum of signed transactions, each added exactly once. Money
    -- that arrives after expiry still confirms the deposit, flagged for ops. The mismatch is
    -- judged from the row itself (its credited proofs), never from this statement's snapshot
    -- of other tables: a concurrent postback for the deposit's other proof is seen once its
    -- row lock is released. A window deposit has no proofs: its total is held against its
    -- fixed amount, when it had one.
    UPDATE deposits d
    SET status = 'confirmed',
        confirmed_amount = COALESCE(d.confirmed_amount, 0) + c.total,
        confirmed_at = COALESCE(d.confirmed_at, $21),
        confirmed_after_expiry = d.confirmed_after_expiry OR d.status = 'expired',
        credited_proof_ids = d.credited_proof_ids
            || ARRAY(SELECT x FROM unnest(c.proof_ids) x WHERE x <> ALL (d.credited_proof_ids)),
        amount_mismatch = CASE WHEN d.custom_transaction_id IS NULL
            THEN COALESCE(d.confirmed_amount, 0) + c.total <> COALESCE(
                (SELECT sum(p.amount) FROM proofs p WHERE p.id = ANY (d.credited_proof_ids || c.proof_ids)), 0)
            ELSE d.amount IS NOT NULL AND COALESCE(d.confirmed_amount, 0) + c.total <> d.amount END,
        updated_at = $21
    FROM credited c
    WHERE d.id = c.deposit_id
    RETURNING d.*
),
deposit_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (-- A deposit.confirmed per credited total (a second signed transaction tells the ledger the new
-- total), and a deposit.amount_mismatch when that total is not what the user claimed.
SELECT t.type, c.id, t.type || ':' || c.id || ':' || c.confirmed_amount, jsonb_build_object('depositId', c.id, 'label', c.label, 'amount', trim_scale(c.confirmed_amount), 'requestedAmount', c.amount, 'currency', c.currency, 'status', c.status, 'amountMismatch', c.amount_mismatch, 'amountDiffers', c.amount_differs), $21::timestamptz
FROM confirmed c
CROSS JOIN (VALUES ('deposit.confirmed'), ('deposit.amount_mismatch')) AS t(type)
WHERE t.type = 'deposit.confirmed' OR c.amount_mismatch) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
delivered AS (
    -- Only the proofs this statement saw still waiting: almost always none, as the gateway
    -- posts back after it accepted the proof. Found by primary key; the status is checked
    -- again on the row itself, so a dispatcher's concurrent change is respected. Written as
    -- NOT IN (same set, by ck_proofs_status) so that no plan can drive this from the status
    -- index instead, reading every failed proof ever kept for every postback.
    UPDATE proofs p SET status = 'forwarded', forwarded_at = COALESCE(p.forwarded_at, $21),
        next_attempt_at = NULL, updated_at = $21
    WHERE p.id = ANY (ARRAY(
            SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
            WHERE m.proof_status IN ('submitting', 'queued', 'failed')))
      AND p.status NOT IN ('forwarded', 'rejected')
    RETURNING p.id
),
payout_reports AS (
    SELECT j.payout_id,
        (array_agg(j.settles_to ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS settles_to,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_status,
        (array_agg(j.amount ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_amount,
        (array_agg(j.withdrawal_status ORDER BY j.ord DESC) FILTER (WHERE i.applied))[1] AS reported_status,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.unapplied_reason = 'status_conflict'))[1] AS conflicting_status
    FROM inserted i JOIN judged j ON j.id = i.id
    WHERE i.payout_id IS NOT NULL
    GROUP BY j.payout_id
),
payouts_reported AS (
    UPDATE payouts po
    SET status = CASE WHEN r.settles_to IS NOT NULL AND po.status IN ('sending', 'sent', 'queued', 'refused', 'failed')
                      THEN r.settles_to ELSE po.status END,
        withdrawal_status = COALESCE(r.final_status, r.reported_status, po.withdrawal_status),
        reported_at = CASE WHEN r.reported_status IS NOT NULL THEN $21 ELSE po.reported_at END,
        settled_amount = CASE WHEN r.settles_to IS NOT NULL THEN r.final_amount ELSE po.settled_amount END,
        amount_mismatch = po.amount_mismatch OR (r.settles_to IS NOT NULL AND r.final_amount IS DISTINCT FROM po.amount),
        settled_at = CASE WHEN r.settles_to IS NOT NULL THEN $21 ELSE po.settled_at END,
        next_attempt_at = CASE WHEN r.settles_to IS NOT NULL THEN NULL ELSE po.next_attempt_at END,
        status_conflict = po.status_conflict OR r.conflicting_status IS NOT NULL,
        conflicting_status = COALESCE(po.conflicting_status, r.conflicting_status),
        updated_at = $21
    FROM payout_reports r
    WHERE po.id = r.payout_id
    RETURNING po.*, r.settles_to IS NOT NULL AS settled_now, r.conflicting_status AS conflict_now
),
payout_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'payout.' || s.status, s.id, 'payout.' || s.status || ':' || s.id, jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message), $21::timestamptz
FROM payouts_reported s WHERE s.settled_now
UNION ALL
-- One event per contradicting status: the ledger must hear that the gateway reversed itself.
SELECT 'payout.status_conflict', s.id, 'payout.status_conflict:' || s.id || ':' || s.conflict_now,
    jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message) || jsonb_build_object('conflictingStatus', s.conflict_now), $21::timestamptz
FROM payouts_reported s WHERE s.conflict_now IS NOT NULL) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
label_mismatch AS (
    -- The top-level label is unsigned; the deposit a signed transaction names (through its
    -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
    SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $25::text, 'signed', m.deposit_label)) AS found
    FROM matched m
    WHERE $25::text IS NOT NULL AND m.deposit_label <> $25::text
),
reverified AS (
    UPDATE postbacks
    SET outcome = CASE WHEN EXISTS (SELECT 1 FROM inserted) OR NOT EXISTS (SELECT 1 FROM incoming)
                       THEN 'accepted' ELSE 'duplicate' END,
        transaction_count = (SELECT count(*) FROM incoming),
        new_transaction_count = (SELECT count(*) FROM inserted),
        discrepancies = NULLIF(COALESCE($26::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb)
    WHERE id = $24
    RETURNING outcome
)
SELECT r.outcome, (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'paid'),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'cancelled'),
(SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL), NULL::uuid
FROM reverified r

-- statement StoreMany --
WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[], $15::int[], $16::text[], $17::int[], $18::text[], $19::text[], $20::text[]) WITH ORDINALITY AS t(id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item_reason, item, ord)
),
payouts_named AS (
    -- The payouts that signed withdrawal ids name, locked and read as they are now, not as this
    -- statement's snapshot had them: two reports of one withdrawal (paid and cancelled, say) are
    -- then judged one after the other, so a contradiction is always seen as one. Only in the
    -- statements built for withdrawals: a deposit's postback does not touch payouts.
    SELECT id, withdrawal_id, amount, status, currency FROM payouts
    WHERE withdrawal_id = ANY (ARRAY(SELECT withdrawal_id FROM incoming WHERE direction = 'outgoing' AND withdrawal_id IS NOT NULL))
    FOR UPDATE
),

matched AS (
    SELECT i.*, p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
        COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
        w.amount AS window_amount, po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency,
        -- What a withdrawal status means for the payout: the status it settles it in, or none (interim, unknown).
        CASE WHEN i.withdrawal_status = ANY ($22::int[]) THEN 'paid'
             WHEN i.withdrawal_status = ANY ($23::int[]) THEN 'cancelled'
        END AS settles_to
    FROM incoming i
    LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
            -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
            -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
            LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
    LEFT JOIN payouts_named po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
),
judged AS (
    -- Why an item cannot apply, if it cannot.
    SELECT m.*, COALESCE(m.item_reason, CASE
        WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN 'no_matching_payout'
        WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ('sending', 'sent', 'queued', 'refused', 'failed', 'paid', 'cancelled')
            THEN 'payout_not_settleable'
        WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN 'currency_mismatch'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') AND m.settles_to <> b.status THEN 'status_conflict'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') THEN 'payout_already_settled'
        WHEN m.direction = 'outgoing' THEN NULL
        WHEN m.deposit_id IS NULL THEN 'no_matching_proof'
        WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN 'currency_mismatch'
    END) AS reason
    FROM matched m
    CROSS JOIN LATERAL (SELECT COALESCE(
        (SELECT e.settles_to FROM matched e
         WHERE m.direction = 'outgoing' AND m.payout_status IN ('sending', 'sent', 'queued', 'refused', 'failed')
           AND e.payout_id = m.payout_id AND e.ord < m.ord AND e.settles_to IS NOT NULL AND e.item_reason IS NULL
         ORDER BY e.ord LIMIT 1),
        m.payout_status) AS status) b
),
inserted AS (
    INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
        stored_at, id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item)
    SELECT $24, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
        (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
            OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
            OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
        $21, j.id, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code, j.wallet_type, j.custom_order_id, j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type, j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json
    FROM judged j
    -- No target: the fact key is the one unique key besides the primary key.
    ON CONFLICT DO NOTHING
    RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
),
credited AS (
    -- A window deposit's items credit no proof: no NULL may enter credited_proof_ids.
    SELECT deposit_id, sum(amount) AS total,
        COALESCE(array_agg(DISTINCT proof_id) FILTER (WHERE proof_id IS NOT NULL), ARRAY[]::uuid[]) AS proof_ids
    FROM inserted WHERE applied AND deposit_id IS NOT NULL GROUP BY deposit_id
),
confirmed AS (
    -- Status only moves forward: any status becomes confirmed, confirmed stays confirmed, and
    -- the confirmed amount is the sum of signed transactions, each added exactly once. Money
    -- that arrives after expiry still confirms the deposit, flagged for ops. The mismatch is
    -- judged from the row itself (its credited proofs), never from this statement's snapshot
    -- of other tables: a concurrent postback for the deposit's other proof is seen once its
    -- row lock is released. A window deposit has no proofs: its total is held against its
    -- fixed amount, when it had one.
    UPDATE deposits d
    SET status = 'confirmed',
        confirmed_amount = COALESCE(d.confirmed_amount, 0) + c.total,
        confirmed_at = COALESCE(d.confirmed_at, $21),
        confirmed_after_expiry = d.confirmed_after_expiry OR d.status = 'expired',
        credited_proof_ids = d.credited_proof_ids
            || ARRAY(SELECT x FROM unnest(c.proof_ids) x WHERE x <> ALL (d.credited_proof_ids)),
        amount_mismatch = CASE WHEN d.custom_transaction_id IS NULL
            THEN COALESCE(d.confirmed_amount, 0) + c.total <> COALESCE(
                (SELECT sum(p.amount) FROM proofs p WHERE p.id = ANY (d.credited_proof_ids || c.proof_ids)), 0)
            ELSE d.amount IS NOT NULL AND COALESCE(d.confirmed_amount, 0) + c.total <> d.amount END,
        updated_at = $21
    FROM credited c
    WHERE d.id = c.deposit_id
    RETURNING d.*
),
deposit_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (-- A deposit.confirmed per credited total (a second signed transaction tells the ledger the new
-- total), and a deposit.amount_mismatch when that total is not what the user claimed.
SELECT t.type, c.id, t.type || ':' || c.id || ':' || c.confirmed_amount, jsonb_build_object('depositId', c.id, 'label', c.label, 'amount', trim_scale(c.confirmed_amount), 'requestedAmount', c.amount, 'currency', c.currency, 'status', c.status, 'amountMismatch', c.amount_mismatch, 'amountDiffers', c.amount_differs), $21::timestamptz
FROM confirmed c
CROSS JOIN (VALUES ('deposit.confirmed'), ('deposit.amount_mismatch')) AS t(type)
WHERE t.type = 'deposit.confirmed' OR c.amount_mismatch) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
delivered AS (
    -- Only the proofs this statement saw still waiting: almost always none, as the gateway
    -- posts back after it accepted the proof. Found by primary key; the status is checked
    -- again on the row itself, so a dispatcher's concurrent change is respected. Written as
    -- NOT IN (same set, by ck_proofs_status) so that no plan can drive this from the status
    -- index instead, reading every failed proof ever kept for every postback.
    UPDATE proofs p SET status = 'forwarded', forwarded_at = COALESCE(p.forwarded_at, $21),
        next_attempt_at = NULL, updated_at = $21
    WHERE p.id = ANY (ARRAY(
            SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
            WHERE m.proof_status IN ('submitting', 'queued', 'failed')))
      AND p.status NOT IN ('forwarded', 'rejected')
    RETURNING p.id
),
payout_reports AS (
    SELECT j.payout_id,
        (array_agg(j.settles_to ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS settles_to,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_status,
        (array_agg(j.amount ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_amount,
        (array_agg(j.withdrawal_status ORDER BY j.ord DESC) FILTER (WHERE i.applied))[1] AS reported_status,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.unapplied_reason = 'status_conflict'))[1] AS conflicting_status
    FROM inserted i JOIN judged j ON j.id = i.id
    WHERE i.payout_id IS NOT NULL
    GROUP BY j.payout_id
),
payouts_reported AS (
    UPDATE payouts po
    SET status = CASE WHEN r.settles_to IS NOT NULL AND po.status IN ('sending', 'sent', 'queued', 'refused', 'failed')
                      THEN r.settles_to ELSE po.status END,
        withdrawal_status = COALESCE(r.final_status, r.reported_status, po.withdrawal_status),
        reported_at = CASE WHEN r.reported_status IS NOT NULL THEN $21 ELSE po.reported_at END,
        settled_amount = CASE WHEN r.settles_to IS NOT NULL THEN r.final_amount ELSE po.settled_amount END,
        amount_mismatch = po.amount_mismatch OR (r.settles_to IS NOT NULL AND r.final_amount IS DISTINCT FROM po.amount),
        settled_at = CASE WHEN r.settles_to IS NOT NULL THEN $21 ELSE po.settled_at END,
        next_attempt_at = CASE WHEN r.settles_to IS NOT NULL THEN NULL ELSE po.next_attempt_at END,
        status_conflict = po.status_conflict OR r.conflicting_status IS NOT NULL,
        conflicting_status = COALESCE(po.conflicting_status, r.conflicting_status),
        updated_at = $21
    FROM payout_reports r
    WHERE po.id = r.payout_id
    RETURNING po.*, r.settles_to IS NOT NULL AS settled_now, r.conflicting_status AS conflict_now
),
payout_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'payout.' || s.status, s.id, 'payout.' || s.status || ':' || s.id, jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message), $21::timestamptz
FROM payouts_reported s WHERE s.settled_now
UNION ALL
-- One event per contradicting status: the ledger must hear that the gateway reversed itself.
SELECT 'payout.status_conflict', s.id, 'payout.status_conflict:' || s.id || ':' || s.conflict_now,
    jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message) || jsonb_build_object('conflictingStatus', s.conflict_now), $21::timestamptz
FROM payouts_reported s WHERE s.conflict_now IS NOT NULL) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
label_mismatch AS (
    -- The top-level label is unsigned; the deposit a signed transaction names (through its
    -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
    SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $25::text, 'signed', m.deposit_label)) AS found
    FROM matched m
    WHERE $25::text IS NOT NULL AND m.deposit_label <> $25::text
),
decision AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'accepted'
     WHEN EXISTS (SELECT 1 FROM incoming) THEN 'duplicate'
     WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = $26 AND s.transaction_count = 0
                  AND s.outcome IN ('accepted', 'duplicate')) THEN 'duplicate'
     ELSE 'accepted' END AS outcome),
original AS (
    SELECT s.id FROM postbacks s
    WHERE s.id = (SELECT g.postback_id FROM gateway_transactions g
                  WHERE g.fact_key = (SELECT fact_key FROM incoming ORDER BY ord LIMIT 1))
      AND s.signed_sha256 = $26
    UNION ALL
    SELECT s.id FROM postbacks s
    WHERE NOT EXISTS (SELECT 1 FROM incoming) AND s.signed_sha256 = $26 AND s.transaction_count = 0
      AND s.outcome IN ('accepted', 'duplicate')
    LIMIT 1
),
repeated AS (
    INSERT INTO postback_repeats AS r (postback_id, repeats, first_repeated_at, last_repeated_at, last_remote_ip,
        discrepant_repeats, last_discrepancies)
    SELECT o.id, 1, $27, $27, $28, CASE WHEN x.found IS NULL THEN 0 ELSE 1 END, x.found
    FROM decision v
    CROSS JOIN LATERAL (SELECT id FROM original WHERE v.outcome = 'duplicate') o
    CROSS JOIN (SELECT NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb) AS found) x
    ON CONFLICT (postback_id) DO UPDATE SET repeats = r.repeats + 1, last_repeated_at = EXCLUDED.last_repeated_at,
        last_remote_ip = EXCLUDED.last_remote_ip, discrepant_repeats = r.discrepant_repeats + EXCLUDED.discrepant_repeats,
        last_discrepancies = COALESCE(EXCLUDED.last_discrepancies, r.last_discrepancies)
    RETURNING postback_id
),
stored AS (
    INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
        reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
        transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
    SELECT $24, $27,
        CASE WHEN v.outcome = 'duplicate' THEN substring($30 FROM 1 FOR $31) ELSE $30 END,
        $32, $33 OR (v.outcome = 'duplicate' AND octet_length($30) > $31),
        $34, $28, v.outcome, NULL, NULL, $35, $36, $37,
        $38, $39, $40, $25, $41,
        (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb), $26
    FROM decision v
    WHERE NOT EXISTS (SELECT 1 FROM repeated)
    RETURNING id
)
SELECT v.outcome, (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'paid'),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'cancelled'),
(SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL), (SELECT postback_id FROM repeated)
FROM decision v

-- statement StoreManyIngoing --
WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[], $15::int[], $16::text[], $17::int[], $18::text[], $19::text[], $20::text[]) WITH ORDINALITY AS t(id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item_reason, item, ord)
),

matched AS (
    SELECT i.*, p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
        COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
        w.amount AS window_amount, NULL::uuid AS payout_id, NULL::numeric AS payout_amount, NULL::text AS payout_status, NULL::text AS payout_currency,
        NULL::text AS settles_to
    FROM incoming i
    LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
            -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
            -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
            LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
    
),
judged AS (
    -- Why an item cannot apply, if it cannot.
    SELECT m.*, COALESCE(m.item_reason, CASE
        WHEN m.deposit_id IS NULL THEN 'no_matching_proof'
        WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN 'currency_mismatch'
    END) AS reason
    FROM matched m
),
inserted AS (
    INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
        stored_at, id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item)
    SELECT $22, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
        (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
            OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
            OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
        $21, j.id, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code, j.wallet_type, j.custom_order_id, j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type, j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json
    FROM judged j
    -- No target: the fact key is the one unique key besides the primary key.
    ON CONFLICT DO NOTHING
    RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
),
credited AS (
    -- A window deposit's items credit no proof: no NULL may enter credited_proof_ids.
    SELECT deposit_id, sum(amount) AS total,
        COALESCE(array_agg(DISTINCT proof_id) FILTER (WHERE proof_id IS NOT NULL), ARRAY[]::uuid[]) AS proof_ids
    FROM inserted WHERE applied AND deposit_id IS NOT NULL GROUP BY deposit_id
),
confirmed AS (
    -- Status only moves forward: any status becomes confirmed, confirmed stays confirmed, and
    -- the confirmed amount is the sum of signed transactions, each added exactly once. Money
    -- that arrives after expiry still confirms the deposit, flagged for ops. The mismatch is
    -- judged from the row itself (its credited proofs), never from this statement's snapshot
    -- of other tables: a concurrent postback for the deposit's other proof is seen once its
    -- row lock is released. A window deposit has no proofs: its total is held against its
    -- fixed amount, when it had one.
    UPDATE deposits d
    SET status = 'confirmed',
        confirmed_amount = COALESCE(d.confirmed_amount, 0) + c.total,
        confirmed_at = COALESCE(d.confirmed_at, $21),
        confirmed_after_expiry = d.confirmed_after_expiry OR d.status = 'expired',
        credited_proof_ids = d.credited_proof_ids
            || ARRAY(SELECT x FROM unnest(c.proof_ids) x WHERE x <> ALL (d.credited_proof_ids)),
        amount_mismatch = CASE WHEN d.custom_transaction_id IS NULL
            THEN COALESCE(d.confirmed_amount, 0) + c.total <> COALESCE(
                (SELECT sum(p.amount) FROM proofs p WHERE p.id = ANY (d.credited_proof_ids || c.proof_ids)), 0)
            ELSE d.amount IS NOT NULL AND COALESCE(d.confirmed_amount, 0) + c.total <> d.amount END,
        updated_at = $21
    FROM credited c
    WHERE d.id = c.deposit_id
    RETURNING d.*
),
deposit_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (-- A deposit.confirmed per credited total (a second signed transaction tells the ledger the new
-- total), and a deposit.amount_mismatch when that total is not what the user claimed.
SELECT t.type, c.id, t.type || ':' || c.id || ':' || c.confirmed_amount, jsonb_build_object('depositId', c.id, 'label', c.label, 'amount', trim_scale(c.confirmed_amount), 'requestedAmount', c.amount, 'currency', c.currency, 'status', c.status, 'amountMismatch', c.amount_mismatch, 'amountDiffers', c.amount_differs), $21::timestamptz
FROM confirmed c
CROSS JOIN (VALUES ('deposit.confirmed'), ('deposit.amount_mismatch')) AS t(type)
WHERE t.type = 'deposit.confirmed' OR c.amount_mismatch) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
delivered AS (
    -- Only the proofs this statement saw still waiting: almost always none, as the gateway
    -- posts back after it accepted the proof. Found by primary key; the status is checked
    -- again on the row itself, so a dispatcher's concurrent change is respected. Written as
    -- NOT IN (same set, by ck_proofs_status) so that no plan can drive this from the status
    -- index instead, reading every failed proof ever kept for every postback.
    UPDATE proofs p SET status = 'forwarded', forwarded_at = COALESCE(p.forwarded_at, $21),
        next_attempt_at = NULL, updated_at = $21
    WHERE p.id = ANY (ARRAY(
            SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
            WHERE m.proof_status IN ('submitting', 'queued', 'failed')))
      AND p.status NOT IN ('forwarded', 'rejected')
    RETURNING p.id
),
payouts_reported AS (SELECT NULL::text AS status, false AS settled_now, NULL::int AS conflict_now WHERE false),
label_mismatch AS (
    -- The top-level label is unsigned; the deposit a signed transaction names (through its
    -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
    SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $23::text, 'signed', m.deposit_label)) AS found
    FROM matched m
    WHERE $23::text IS NOT NULL AND m.deposit_label <> $23::text
),
decision AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'accepted'
     WHEN EXISTS (SELECT 1 FROM incoming) THEN 'duplicate'
     WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = $24 AND s.transaction_count = 0
                  AND s.outcome IN ('accepted', 'duplicate')) THEN 'duplicate'
     ELSE 'accepted' END AS outcome),
original AS (
    SELECT s.id FROM postbacks s
    WHERE s.id = (SELECT g.postback_id FROM gateway_transactions g
                  WHERE g.fact_key = (SELECT fact_key FROM incoming ORDER BY ord LIMIT 1))
      AND s.signed_sha256 = $24
    UNION ALL
    SELECT s.id FROM postbacks s
    WHERE NOT EXISTS (SELECT 1 FROM incoming) AND s.signed_sha256 = $24 AND s.transaction_count = 0
      AND s.outcome IN ('accepted', 'duplicate')
    LIMIT 1
),
repeated AS (
    INSERT INTO postback_repeats AS r (postback_id, repeats, first_repeated_at, last_repeated_at, last_remote_ip,
        discrepant_repeats, last_discrepancies)
    SELECT o.id, 1, $25, $25, $26, CASE WHEN x.found IS NULL THEN 0 ELSE 1 END, x.found
    FROM decision v
    CROSS JOIN LATERAL (SELECT id FROM original WHERE v.outcome = 'duplicate') o
    CROSS JOIN (SELECT NULLIF(COALESCE($27::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb) AS found) x
    ON CONFLICT (postback_id) DO UPDATE SET repeats = r.repeats + 1, last_repeated_at = EXCLUDED.last_repeated_at,
        last_remote_ip = EXCLUDED.last_remote_ip, discrepant_repeats = r.discrepant_repeats + EXCLUDED.discrepant_repeats,
        last_discrepancies = COALESCE(EXCLUDED.last_discrepancies, r.last_discrepancies)
    RETURNING postback_id
),
stored AS (
    INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
        reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
        transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
    SELECT $22, $25,
        CASE WHEN v.outcome = 'duplicate' THEN substring($28 FROM 1 FOR $29) ELSE $28 END,
        $30, $31 OR (v.outcome = 'duplicate' AND octet_length($28) > $29),
        $32, $26, v.outcome, NULL, NULL, $33, $34, $35,
        $36, $37, $38, $23, $39,
        (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), NULLIF(COALESCE($27::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb), $24
    FROM decision v
    WHERE NOT EXISTS (SELECT 1 FROM repeated)
    RETURNING id
)
SELECT v.outcome, (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'paid'),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'cancelled'),
(SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL), (SELECT postback_id FROM repeated)
FROM decision v

-- statement StoreManyOutgoing --
WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[], $15::int[], $16::text[], $17::int[], $18::text[], $19::text[], $20::text[]) WITH ORDINALITY AS t(id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item_reason, item, ord)
),
payouts_named AS (
    -- The payouts that signed withdrawal ids name, locked and read as they are now, not as this
    -- statement's snapshot had them: two reports of one withdrawal (paid and cancelled, say) are
    -- then judged one after the other, so a contradiction is always seen as one. Only in the
    -- statements built for withdrawals: a deposit's postback does not touch payouts.
    SELECT id, withdrawal_id, amount, status, currency FROM payouts
    WHERE withdrawal_id = ANY (ARRAY(SELECT withdrawal_id FROM incoming WHERE direction = 'outgoing' AND withdrawal_id IS NOT NULL))
    FOR UPDATE
),

matched AS (
    SELECT i.*, NULL::uuid AS proof_id, NULL::uuid AS deposit_id, NULL::numeric AS proof_amount, NULL::text AS proof_status,
        NULL::text AS deposit_currency, NULL::text AS deposit_label, NULL::numeric AS window_amount, po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency,
        -- What a withdrawal status means for the payout: the status it settles it in, or none (interim, unknown).
        CASE WHEN i.withdrawal_status = ANY ($22::int[]) THEN 'paid'
             WHEN i.withdrawal_status = ANY ($23::int[]) THEN 'cancelled'
        END AS settles_to
    FROM incoming i
    
    LEFT JOIN payouts_named po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
),
judged AS (
    -- Why an item cannot apply, if it cannot.
    SELECT m.*, COALESCE(m.item_reason, CASE
        WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN 'no_matching_payout'
        WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ('sending', 'sent', 'queued', 'refused', 'failed', 'paid', 'cancelled')
            THEN 'payout_not_settleable'
        WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN 'currency_mismatch'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') AND m.settles_to <> b.status THEN 'status_conflict'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') THEN 'payout_already_settled'
        WHEN m.direction = 'outgoing' THEN NULL
        
    END) AS reason
    FROM matched m
    CROSS JOIN LATERAL (SELECT COALESCE(
        (SELECT e.settles_to FROM matched e
         WHERE m.direction = 'outgoing' AND m.payout_status IN ('sending', 'sent', 'queued', 'refused', 'failed')
           AND e.payout_id = m.payout_id AND e.ord < m.ord AND e.settles_to IS NOT NULL AND e.item_reason IS NULL
         ORDER BY e.ord LIMIT 1),
        m.payout_status) AS status) b
),
inserted AS (
    INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
        stored_at, id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item)
    SELECT $24, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
        (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
            OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
            OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
        $21, j.id, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code, j.wallet_type, j.custom_order_id, j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type, j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json
    FROM judged j
    -- No target: the fact key is the one unique key besides the primary key.
    ON CONFLICT DO NOTHING
    RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
),
confirmed AS (SELECT NULL::uuid AS id WHERE false),
payout_reports AS (
    SELECT j.payout_id,
        (array_agg(j.settles_to ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS settles_to,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_status,
        (array_agg(j.amount ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_amount,
        (array_agg(j.withdrawal_status ORDER BY j.ord DESC) FILTER (WHERE i.applied))[1] AS reported_status,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.unapplied_reason = 'status_conflict'))[1] AS conflicting_status
    FROM inserted i JOIN judged j ON j.id = i.id
    WHERE i.payout_id IS NOT NULL
    GROUP BY j.payout_id
),
payouts_reported AS (
    UPDATE payouts po
    SET status = CASE WHEN r.settles_to IS NOT NULL AND po.status IN ('sending', 'sent', 'queued', 'refused', 'failed')
                      THEN r.settles_to ELSE po.status END,
        withdrawal_status = COALESCE(r.final_status, r.reported_status, po.withdrawal_status),
        reported_at = CASE WHEN r.reported_status IS NOT NULL THEN $21 ELSE po.reported_at END,
        settled_amount = CASE WHEN r.settles_to IS NOT NULL THEN r.final_amount ELSE po.settled_amount END,
        amount_mismatch = po.amount_mismatch OR (r.settles_to IS NOT NULL AND r.final_amount IS DISTINCT FROM po.amount),
        settled_at = CASE WHEN r.settles_to IS NOT NULL THEN $21 ELSE po.settled_at END,
        next_attempt_at = CASE WHEN r.settles_to IS NOT NULL THEN NULL ELSE po.next_attempt_at END,
        status_conflict = po.status_conflict OR r.conflicting_status IS NOT NULL,
        conflicting_status = COALESCE(po.conflicting_status, r.conflicting_status),
        updated_at = $21
    FROM payout_reports r
    WHERE po.id = r.payout_id
    RETURNING po.*, r.settles_to IS NOT NULL AS settled_now, r.conflicting_status AS conflict_now
),
payout_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'payout.' || s.status, s.id, 'payout.' || s.status || ':' || s.id, jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message), $21::timestamptz
FROM payouts_reported s WHERE s.settled_now
UNION ALL
-- One event per contradicting status: the ledger must hear that the gateway reversed itself.
SELECT 'payout.status_conflict', s.id, 'payout.status_conflict:' || s.id || ':' || s.conflict_now,
    jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message) || jsonb_build_object('conflictingStatus', s.conflict_now), $21::timestamptz
FROM payouts_reported s WHERE s.conflict_now IS NOT NULL) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
label_mismatch AS (
    -- The top-level label is unsigned; the deposit a signed transaction names (through its
    -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
    SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $25::text, 'signed', m.deposit_label)) AS found
    FROM matched m
    WHERE $25::text IS NOT NULL AND m.deposit_label <> $25::text
),
decision AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'accepted'
     WHEN EXISTS (SELECT 1 FROM incoming) THEN 'duplicate'
     WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = $26 AND s.transaction_count = 0
                  AND s.outcome IN ('accepted', 'duplicate')) THEN 'duplicate'
     ELSE 'accepted' END AS outcome),
original AS (
    SELECT s.id FROM postbacks s
    WHERE s.id = (SELECT g.postback_id FROM gateway_transactions g
                  WHERE g.fact_key = (SELECT fact_key FROM incoming ORDER BY ord LIMIT 1))
      AND s.signed_sha256 = $26
    UNION ALL
    SELECT s.id FROM postbacks s
    WHERE NOT EXISTS (SELECT 1 FROM incoming) AND s.signed_sha256 = $26 AND s.transaction_count = 0
      AND s.outcome IN ('accepted', 'duplicate')
    LIMIT 1
),
repeated AS (
    INSERT INTO postback_repeats AS r (postback_id, repeats, first_repeated_at, last_repeated_at, last_remote_ip,
        discrepant_repeats, last_discrepancies)
    SELECT o.id, 1, $27, $27, $28, CASE WHEN x.found IS NULL THEN 0 ELSE 1 END, x.found
    FROM decision v
    CROSS JOIN LATERAL (SELECT id FROM original WHERE v.outcome = 'duplicate') o
    CROSS JOIN (SELECT NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb) AS found) x
    ON CONFLICT (postback_id) DO UPDATE SET repeats = r.repeats + 1, last_repeated_at = EXCLUDED.last_repeated_at,
        last_remote_ip = EXCLUDED.last_remote_ip, discrepant_repeats = r.discrepant_repeats + EXCLUDED.discrepant_repeats,
        last_discrepancies = COALESCE(EXCLUDED.last_discrepancies, r.last_discrepancies)
    RETURNING postback_id
),
stored AS (
    INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
        reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
        transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
    SELECT $24, $27,
        CASE WHEN v.outcome = 'duplicate' THEN substring($30 FROM 1 FOR $31) ELSE $30 END,
        $32, $33 OR (v.outcome = 'duplicate' AND octet_length($30) > $31),
        $34, $28, v.outcome, NULL, NULL, $35, $36, $37,
        $38, $39, $40, $25, $41,
        (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb), $26
    FROM decision v
    WHERE NOT EXISTS (SELECT 1 FROM repeated)
    RETURNING id
)
SELECT v.outcome, (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'paid'),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'cancelled'),
(SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL), (SELECT postback_id FROM repeated)
FROM decision v

-- statement StoreOne --
WITH incoming AS (
    SELECT $1::uuid AS id, $2::text AS direction, $3::text AS fact_key, $4::text AS transaction_id, $5::text AS item_sha256, $6::numeric AS amount, $7::text AS amount_text, $8::text AS currency_code, $9::text AS wallet_type, $10::text AS custom_order_id, $11::timestamptz AS activated_at, $12::text AS activated_text, $13::timestamptz AS gateway_created_at, $14::text AS gateway_created_text, $15::int AS transaction_type, $16::text AS withdrawal_id, $17::int AS withdrawal_status, $18::text AS account_number, $19::text AS item_reason, $20::text AS item, 1::bigint AS ord
),
payouts_named AS (
    -- The payouts that signed withdrawal ids name, locked and read as they are now, not as this
    -- statement's snapshot had them: two reports of one withdrawal (paid and cancelled, say) are
    -- then judged one after the other, so a contradiction is always seen as one. Only in the
    -- statements built for withdrawals: a deposit's postback does not touch payouts.
    SELECT id, withdrawal_id, amount, status, currency FROM payouts
    WHERE withdrawal_id = ANY (ARRAY(SELECT withdrawal_id FROM incoming WHERE direction = 'outgoing' AND withdrawal_id IS NOT NULL))
    FOR UPDATE
),

matched AS (
    SELECT i.*, p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
        COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
        w.amount AS window_amount, po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency,
        -- What a withdrawal status means for the payout: the status it settles it in, or none (interim, unknown).
        CASE WHEN i.withdrawal_status = ANY ($22::int[]) THEN 'paid'
             WHEN i.withdrawal_status = ANY ($23::int[]) THEN 'cancelled'
        END AS settles_to
    FROM incoming i
    LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
            -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
            -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
            LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
    LEFT JOIN payouts_named po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
),
judged AS (
    -- Why an item cannot apply, if it cannot.
    SELECT m.*, COALESCE(m.item_reason, CASE
        WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN 'no_matching_payout'
        WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ('sending', 'sent', 'queued', 'refused', 'failed', 'paid', 'cancelled')
            THEN 'payout_not_settleable'
        WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN 'currency_mismatch'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') AND m.settles_to <> b.status THEN 'status_conflict'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') THEN 'payout_already_settled'
        WHEN m.direction = 'outgoing' THEN NULL
        WHEN m.deposit_id IS NULL THEN 'no_matching_proof'
        WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN 'currency_mismatch'
    END) AS reason
    FROM matched m
    CROSS JOIN LATERAL (SELECT COALESCE(
        (SELECT e.settles_to FROM matched e
         WHERE m.direction = 'outgoing' AND m.payout_status IN ('sending', 'sent', 'queued', 'refused', 'failed')
           AND e.payout_id = m.payout_id AND e.ord < m.ord AND e.settles_to IS NOT NULL AND e.item_reason IS NULL
         ORDER BY e.ord LIMIT 1),
        m.payout_status) AS status) b
),
inserted AS (
    INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
        stored_at, id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item)
    SELECT $24, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
        (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
            OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
            OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
        $21, j.id, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code, j.wallet_type, j.custom_order_id, j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type, j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json
    FROM judged j
    -- No target: the fact key is the one unique key besides the primary key.
    ON CONFLICT DO NOTHING
    RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
),
credited AS (
    -- A window deposit's items credit no proof: no NULL may enter credited_proof_ids.
    SELECT deposit_id, sum(amount) AS total,
        COALESCE(array_agg(DISTINCT proof_id) FILTER (WHERE proof_id IS NOT NULL), ARRAY[]::uuid[]) AS proof_ids
    FROM inserted WHERE applied AND deposit_id IS NOT NULL GROUP BY deposit_id
),
confirmed AS (
    -- Status only moves forward: any status becomes confirmed, confirmed stays confirmed, and
    -- the confirmed amount is the sum of signed transactions, each added exactly once. Money
    -- that arrives after expiry still confirms the deposit, flagged for ops. The mismatch is
    -- judged from the row itself (its credited proofs), never from this statement's snapshot
    -- of other tables: a concurrent postback for the deposit's other proof is seen once its
    -- row lock is released. A window deposit has no proofs: its total is held against its
    -- fixed amount, when it had one.
    UPDATE deposits d
    SET status = 'confirmed',
        confirmed_amount = COALESCE(d.confirmed_amount, 0) + c.total,
        confirmed_at = COALESCE(d.confirmed_at, $21),
        confirmed_after_expiry = d.confirmed_after_expiry OR d.status = 'expired',
        credited_proof_ids = d.credited_proof_ids
            || ARRAY(SELECT x FROM unnest(c.proof_ids) x WHERE x <> ALL (d.credited_proof_ids)),
        amount_mismatch = CASE WHEN d.custom_transaction_id IS NULL
            THEN COALESCE(d.confirmed_amount, 0) + c.total <> COALESCE(
                (SELECT sum(p.amount) FROM proofs p WHERE p.id = ANY (d.credited_proof_ids || c.proof_ids)), 0)
            ELSE d.amount IS NOT NULL AND COALESCE(d.confirmed_amount, 0) + c.total <> d.amount END,
        updated_at = $21
    FROM credited c
    WHERE d.id = c.deposit_id
    RETURNING d.*
),
deposit_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (-- A deposit.confirmed per credited total (a second signed transaction tells the ledger the new
-- total), and a deposit.amount_mismatch when that total is not what the user claimed.
SELECT t.type, c.id, t.type || ':' || c.id || ':' || c.confirmed_amount, jsonb_build_object('depositId', c.id, 'label', c.label, 'amount', trim_scale(c.confirmed_amount), 'requestedAmount', c.amount, 'currency', c.currency, 'status', c.status, 'amountMismatch', c.amount_mismatch, 'amountDiffers', c.amount_differs), $21::timestamptz
FROM confirmed c
CROSS JOIN (VALUES ('deposit.confirmed'), ('deposit.amount_mismatch')) AS t(type)
WHERE t.type = 'deposit.confirmed' OR c.amount_mismatch) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
delivered AS (
    -- Only the proofs this statement saw still waiting: almost always none, as the gateway
    -- posts back after it accepted the proof. Found by primary key; the status is checked
    -- again on the row itself, so a dispatcher's concurrent change is respected. Written as
    -- NOT IN (same set, by ck_proofs_status) so that no plan can drive this from the status
    -- index instead, reading every failed proof ever kept for every postback.
    UPDATE proofs p SET status = 'forwarded', forwarded_at = COALESCE(p.forwarded_at, $21),
        next_attempt_at = NULL, updated_at = $21
    WHERE p.id = ANY (ARRAY(
            SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
            WHERE m.proof_status IN ('submitting', 'queued', 'failed')))
      AND p.status NOT IN ('forwarded', 'rejected')
    RETURNING p.id
),
payout_reports AS (
    SELECT j.payout_id,
        (array_agg(j.settles_to ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS settles_to,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_status,
        (array_agg(j.amount ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_amount,
        (array_agg(j.withdrawal_status ORDER BY j.ord DESC) FILTER (WHERE i.applied))[1] AS reported_status,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.unapplied_reason = 'status_conflict'))[1] AS conflicting_status
    FROM inserted i JOIN judged j ON j.id = i.id
    WHERE i.payout_id IS NOT NULL
    GROUP BY j.payout_id
),
payouts_reported AS (
    UPDATE payouts po
    SET status = CASE WHEN r.settles_to IS NOT NULL AND po.status IN ('sending', 'sent', 'queued', 'refused', 'failed')
                      THEN r.settles_to ELSE po.status END,
        withdrawal_status = COALESCE(r.final_status, r.reported_status, po.withdrawal_status),
        reported_at = CASE WHEN r.reported_status IS NOT NULL THEN $21 ELSE po.reported_at END,
        settled_amount = CASE WHEN r.settles_to IS NOT NULL THEN r.final_amount ELSE po.settled_amount END,
        amount_mismatch = po.amount_mismatch OR (r.settles_to IS NOT NULL AND r.final_amount IS DISTINCT FROM po.amount),
        settled_at = CASE WHEN r.settles_to IS NOT NULL THEN $21 ELSE po.settled_at END,
        next_attempt_at = CASE WHEN r.settles_to IS NOT NULL THEN NULL ELSE po.next_attempt_at END,
        status_conflict = po.status_conflict OR r.conflicting_status IS NOT NULL,
        conflicting_status = COALESCE(po.conflicting_status, r.conflicting_status),
        updated_at = $21
    FROM payout_reports r
    WHERE po.id = r.payout_id
    RETURNING po.*, r.settles_to IS NOT NULL AS settled_now, r.conflicting_status AS conflict_now
),
payout_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'payout.' || s.status, s.id, 'payout.' || s.status || ':' || s.id, jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message), $21::timestamptz
FROM payouts_reported s WHERE s.settled_now
UNION ALL
-- One event per contradicting status: the ledger must hear that the gateway reversed itself.
SELECT 'payout.status_conflict', s.id, 'payout.status_conflict:' || s.id || ':' || s.conflict_now,
    jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message) || jsonb_build_object('conflictingStatus', s.conflict_now), $21::timestamptz
FROM payouts_reported s WHERE s.conflict_now IS NOT NULL) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
label_mismatch AS (
    -- The top-level label is unsigned; the deposit a signed transaction names (through its
    -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
    SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $25::text, 'signed', m.deposit_label)) AS found
    FROM matched m
    WHERE $25::text IS NOT NULL AND m.deposit_label <> $25::text
),
decision AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'accepted'
     WHEN EXISTS (SELECT 1 FROM incoming) THEN 'duplicate'
     WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = $26 AND s.transaction_count = 0
                  AND s.outcome IN ('accepted', 'duplicate')) THEN 'duplicate'
     ELSE 'accepted' END AS outcome),
original AS (
    SELECT s.id FROM postbacks s
    WHERE s.id = (SELECT g.postback_id FROM gateway_transactions g
                  WHERE g.fact_key = (SELECT fact_key FROM incoming ORDER BY ord LIMIT 1))
      AND s.signed_sha256 = $26
    UNION ALL
    SELECT s.id FROM postbacks s
    WHERE NOT EXISTS (SELECT 1 FROM incoming) AND s.signed_sha256 = $26 AND s.transaction_count = 0
      AND s.outcome IN ('accepted', 'duplicate')
    LIMIT 1
),
repeated AS (
    INSERT INTO postback_repeats AS r (postback_id, repeats, first_repeated_at, last_repeated_at, last_remote_ip,
        discrepant_repeats, last_discrepancies)
    SELECT o.id, 1, $27, $27, $28, CASE WHEN x.found IS NULL THEN 0 ELSE 1 END, x.found
    FROM decision v
    CROSS JOIN LATERAL (SELECT id FROM original WHERE v.outcome = 'duplicate') o
    CROSS JOIN (SELECT NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb) AS found) x
    ON CONFLICT (postback_id) DO UPDATE SET repeats = r.repeats + 1, last_repeated_at = EXCLUDED.last_repeated_at,
        last_remote_ip = EXCLUDED.last_remote_ip, discrepant_repeats = r.discrepant_repeats + EXCLUDED.discrepant_repeats,
        last_discrepancies = COALESCE(EXCLUDED.last_discrepancies, r.last_discrepancies)
    RETURNING postback_id
),
stored AS (
    INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
        reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
        transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
    SELECT $24, $27,
        CASE WHEN v.outcome = 'duplicate' THEN substring($30 FROM 1 FOR $31) ELSE $30 END,
        $32, $33 OR (v.outcome = 'duplicate' AND octet_length($30) > $31),
        $34, $28, v.outcome, NULL, NULL, $35, $36, $37,
        $38, $39, $40, $25, $41,
        (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb), $26
    FROM decision v
    WHERE NOT EXISTS (SELECT 1 FROM repeated)
    RETURNING id
)
SELECT v.outcome, (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'paid'),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'cancelled'),
(SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL), (SELECT postback_id FROM repeated)
FROM decision v

-- statement StoreOneIngoing --
WITH incoming AS (
    SELECT $1::uuid AS id, $2::text AS direction, $3::text AS fact_key, $4::text AS transaction_id, $5::text AS item_sha256, $6::numeric AS amount, $7::text AS amount_text, $8::text AS currency_code, $9::text AS wallet_type, $10::text AS custom_order_id, $11::timestamptz AS activated_at, $12::text AS activated_text, $13::timestamptz AS gateway_created_at, $14::text AS gateway_created_text, $15::int AS transaction_type, $16::text AS withdrawal_id, $17::int AS withdrawal_status, $18::text AS account_number, $19::text AS item_reason, $20::text AS item, 1::bigint AS ord
),

matched AS (
    SELECT i.*, p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
        COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
        w.amount AS window_amount, NULL::uuid AS payout_id, NULL::numeric AS payout_amount, NULL::text AS payout_status, NULL::text AS payout_currency,
        NULL::text AS settles_to
    FROM incoming i
    LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
            -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
            -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
            LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
    
),
judged AS (
    -- Why an item cannot apply, if it cannot.
    SELECT m.*, COALESCE(m.item_reason, CASE
        WHEN m.deposit_id IS NULL THEN 'no_matching_proof'
        WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN 'currency_mismatch'
    END) AS reason
    FROM matched m
),
inserted AS (
    INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
        stored_at, id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item)
    SELECT $22, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
        (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
            OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
            OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
        $21, j.id, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code, j.wallet_type, j.custom_order_id, j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type, j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json
    FROM judged j
    -- No target: the fact key is the one unique key besides the primary key.
    ON CONFLICT DO NOTHING
    RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
),
credited AS (
    -- A window deposit's items credit no proof: no NULL may enter credited_proof_ids.
    SELECT deposit_id, sum(amount) AS total,
        COALESCE(array_agg(DISTINCT proof_id) FILTER (WHERE proof_id IS NOT NULL), ARRAY[]::uuid[]) AS proof_ids
    FROM inserted WHERE applied AND deposit_id IS NOT NULL GROUP BY deposit_id
),
confirmed AS (
    -- Status only moves forward: any status becomes confirmed, confirmed stays confirmed, and
    -- the confirmed amount is the sum of signed transactions, each added exactly once. Money
    -- that arrives after expiry still confirms the deposit, flagged for ops. The mismatch is
    -- judged from the row itself (its credited proofs), never from this statement's snapshot
    -- of other tables: a concurrent postback for the deposit's other proof is seen once its
    -- row lock is released. A window deposit has no proofs: its total is held against its
    -- fixed amount, when it had one.
    UPDATE deposits d
    SET status = 'confirmed',
        confirmed_amount = COALESCE(d.confirmed_amount, 0) + c.total,
        confirmed_at = COALESCE(d.confirmed_at, $21),
        confirmed_after_expiry = d.confirmed_after_expiry OR d.status = 'expired',
        credited_proof_ids = d.credited_proof_ids
            || ARRAY(SELECT x FROM unnest(c.proof_ids) x WHERE x <> ALL (d.credited_proof_ids)),
        amount_mismatch = CASE WHEN d.custom_transaction_id IS NULL
            THEN COALESCE(d.confirmed_amount, 0) + c.total <> COALESCE(
                (SELECT sum(p.amount) FROM proofs p WHERE p.id = ANY (d.credited_proof_ids || c.proof_ids)), 0)
            ELSE d.amount IS NOT NULL AND COALESCE(d.confirmed_amount, 0) + c.total <> d.amount END,
        updated_at = $21
    FROM credited c
    WHERE d.id = c.deposit_id
    RETURNING d.*
),
deposit_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (-- A deposit.confirmed per credited total (a second signed transaction tells the ledger the new
-- total), and a deposit.amount_mismatch when that total is not what the user claimed.
SELECT t.type, c.id, t.type || ':' || c.id || ':' || c.confirmed_amount, jsonb_build_object('depositId', c.id, 'label', c.label, 'amount', trim_scale(c.confirmed_amount), 'requestedAmount', c.amount, 'currency', c.currency, 'status', c.status, 'amountMismatch', c.amount_mismatch, 'amountDiffers', c.amount_differs), $21::timestamptz
FROM confirmed c
CROSS JOIN (VALUES ('deposit.confirmed'), ('deposit.amount_mismatch')) AS t(type)
WHERE t.type = 'deposit.confirmed' OR c.amount_mismatch) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
delivered AS (
    -- Only the proofs this statement saw still waiting: almost always none, as the gateway
    -- posts back after it accepted the proof. Found by primary key; the status is checked
    -- again on the row itself, so a dispatcher's concurrent change is respected. Written as
    -- NOT IN (same set, by ck_proofs_status) so that no plan can drive this from the status
    -- index instead, reading every failed proof ever kept for every postback.
    UPDATE proofs p SET status = 'forwarded', forwarded_at = COALESCE(p.forwarded_at, $21),
        next_attempt_at = NULL, updated_at = $21
    WHERE p.id = ANY (ARRAY(
            SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
            WHERE m.proof_status IN ('submitting', 'queued', 'failed')))
      AND p.status NOT IN ('forwarded', 'rejected')
    RETURNING p.id
),
payouts_reported AS (SELECT NULL::text AS status, false AS settled_now, NULL::int AS conflict_now WHERE false),
label_mismatch AS (
    -- The top-level label is unsigned; the deposit a signed transaction names (through its
    -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
    SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $23::text, 'signed', m.deposit_label)) AS found
    FROM matched m
    WHERE $23::text IS NOT NULL AND m.deposit_label <> $23::text
),
decision AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'accepted'
     WHEN EXISTS (SELECT 1 FROM incoming) THEN 'duplicate'
     WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = $24 AND s.transaction_count = 0
                  AND s.outcome IN ('accepted', 'duplicate')) THEN 'duplicate'
     ELSE 'accepted' END AS outcome),
original AS (
    SELECT s.id FROM postbacks s
    WHERE s.id = (SELECT g.postback_id FROM gateway_transactions g
                  WHERE g.fact_key = (SELECT fact_key FROM incoming ORDER BY ord LIMIT 1))
      AND s.signed_sha256 = $24
    UNION ALL
    SELECT s.id FROM postbacks s
    WHERE NOT EXISTS (SELECT 1 FROM incoming) AND s.signed_sha256 = $24 AND s.transaction_count = 0
      AND s.outcome IN ('accepted', 'duplicate')
    LIMIT 1
),
repeated AS (
    INSERT INTO postback_repeats AS r (postback_id, repeats, first_repeated_at, last_repeated_at, last_remote_ip,
        discrepant_repeats, last_discrepancies)
    SELECT o.id, 1, $25, $25, $26, CASE WHEN x.found IS NULL THEN 0 ELSE 1 END, x.found
    FROM decision v
    CROSS JOIN LATERAL (SELECT id FROM original WHERE v.outcome = 'duplicate') o
    CROSS JOIN (SELECT NULLIF(COALESCE($27::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb) AS found) x
    ON CONFLICT (postback_id) DO UPDATE SET repeats = r.repeats + 1, last_repeated_at = EXCLUDED.last_repeated_at,
        last_remote_ip = EXCLUDED.last_remote_ip, discrepant_repeats = r.discrepant_repeats + EXCLUDED.discrepant_repeats,
        last_discrepancies = COALESCE(EXCLUDED.last_discrepancies, r.last_discrepancies)
    RETURNING postback_id
),
stored AS (
    INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
        reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
        transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
    SELECT $22, $25,
        CASE WHEN v.outcome = 'duplicate' THEN substring($28 FROM 1 FOR $29) ELSE $28 END,
        $30, $31 OR (v.outcome = 'duplicate' AND octet_length($28) > $29),
        $32, $26, v.outcome, NULL, NULL, $33, $34, $35,
        $36, $37, $38, $23, $39,
        (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), NULLIF(COALESCE($27::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb), $24
    FROM decision v
    WHERE NOT EXISTS (SELECT 1 FROM repeated)
    RETURNING id
)
SELECT v.outcome, (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'paid'),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'cancelled'),
(SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL), (SELECT postback_id FROM repeated)
FROM decision v

-- statement StoreOneOutgoing --
WITH incoming AS (
    SELECT $1::uuid AS id, $2::text AS direction, $3::text AS fact_key, $4::text AS transaction_id, $5::text AS item_sha256, $6::numeric AS amount, $7::text AS amount_text, $8::text AS currency_code, $9::text AS wallet_type, $10::text AS custom_order_id, $11::timestamptz AS activated_at, $12::text AS activated_text, $13::timestamptz AS gateway_created_at, $14::text AS gateway_created_text, $15::int AS transaction_type, $16::text AS withdrawal_id, $17::int AS withdrawal_status, $18::text AS account_number, $19::text AS item_reason, $20::text AS item, 1::bigint AS ord
),
payouts_named AS (
    -- The payouts that signed withdrawal ids name, locked and read as they are now, not as this
    -- statement's snapshot had them: two reports of one withdrawal (paid and cancelled, say) are
    -- then judged one after the other, so a contradiction is always seen as one. Only in the
    -- statements built for withdrawals: a deposit's postback does not touch payouts.
    SELECT id, withdrawal_id, amount, status, currency FROM payouts
    WHERE withdrawal_id = ANY (ARRAY(SELECT withdrawal_id FROM incoming WHERE direction = 'outgoing' AND withdrawal_id IS NOT NULL))
    FOR UPDATE
),

matched AS (
    SELECT i.*, NULL::uuid AS proof_id, NULL::uuid AS deposit_id, NULL::numeric AS proof_amount, NULL::text AS proof_status,
        NULL::text AS deposit_currency, NULL::text AS deposit_label, NULL::numeric AS window_amount, po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency,
        -- What a withdrawal status means for the payout: the status it settles it in, or none (interim, unknown).
        CASE WHEN i.withdrawal_status = ANY ($22::int[]) THEN 'paid'
             WHEN i.withdrawal_status = ANY ($23::int[]) THEN 'cancelled'
        END AS settles_to
    FROM incoming i
    
    LEFT JOIN payouts_named po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
),
judged AS (
    -- Why an item cannot apply, if it cannot.
    SELECT m.*, COALESCE(m.item_reason, CASE
        WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN 'no_matching_payout'
        WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ('sending', 'sent', 'queued', 'refused', 'failed', 'paid', 'cancelled')
            THEN 'payout_not_settleable'
        WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN 'currency_mismatch'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') AND m.settles_to <> b.status THEN 'status_conflict'
        WHEN m.direction = 'outgoing' AND b.status IN ('paid', 'cancelled') THEN 'payout_already_settled'
        WHEN m.direction = 'outgoing' THEN NULL
        
    END) AS reason
    FROM matched m
    CROSS JOIN LATERAL (SELECT COALESCE(
        (SELECT e.settles_to FROM matched e
         WHERE m.direction = 'outgoing' AND m.payout_status IN ('sending', 'sent', 'queued', 'refused', 'failed')
           AND e.payout_id = m.payout_id AND e.ord < m.ord AND e.settles_to IS NOT NULL AND e.item_reason IS NULL
         ORDER BY e.ord LIMIT 1),
        m.payout_status) AS status) b
),
inserted AS (
    INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
        stored_at, id, direction, fact_key, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type, custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id, withdrawal_status, account_number, item)
    SELECT $24, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
        (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
            OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
            OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
        $21, j.id, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code, j.wallet_type, j.custom_order_id, j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type, j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json
    FROM judged j
    -- No target: the fact key is the one unique key besides the primary key.
    ON CONFLICT DO NOTHING
    RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
),
confirmed AS (SELECT NULL::uuid AS id WHERE false),
payout_reports AS (
    SELECT j.payout_id,
        (array_agg(j.settles_to ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS settles_to,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_status,
        (array_agg(j.amount ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_amount,
        (array_agg(j.withdrawal_status ORDER BY j.ord DESC) FILTER (WHERE i.applied))[1] AS reported_status,
        (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.unapplied_reason = 'status_conflict'))[1] AS conflicting_status
    FROM inserted i JOIN judged j ON j.id = i.id
    WHERE i.payout_id IS NOT NULL
    GROUP BY j.payout_id
),
payouts_reported AS (
    UPDATE payouts po
    SET status = CASE WHEN r.settles_to IS NOT NULL AND po.status IN ('sending', 'sent', 'queued', 'refused', 'failed')
                      THEN r.settles_to ELSE po.status END,
        withdrawal_status = COALESCE(r.final_status, r.reported_status, po.withdrawal_status),
        reported_at = CASE WHEN r.reported_status IS NOT NULL THEN $21 ELSE po.reported_at END,
        settled_amount = CASE WHEN r.settles_to IS NOT NULL THEN r.final_amount ELSE po.settled_amount END,
        amount_mismatch = po.amount_mismatch OR (r.settles_to IS NOT NULL AND r.final_amount IS DISTINCT FROM po.amount),
        settled_at = CASE WHEN r.settles_to IS NOT NULL THEN $21 ELSE po.settled_at END,
        next_attempt_at = CASE WHEN r.settles_to IS NOT NULL THEN NULL ELSE po.next_attempt_at END,
        status_conflict = po.status_conflict OR r.conflicting_status IS NOT NULL,
        conflicting_status = COALESCE(po.conflicting_status, r.conflicting_status),
        updated_at = $21
    FROM payout_reports r
    WHERE po.id = r.payout_id
    RETURNING po.*, r.settles_to IS NOT NULL AS settled_now, r.conflicting_status AS conflict_now
),
payout_events AS (
    INSERT INTO outbox_events (id, type, subject_id, dedupe_key, data, status, attempts, next_attempt_at, created_at)
    SELECT (lpad(to_hex(floor(extract(epoch FROM e.at) * 1000)::bigint), 12, '0') || '7' || substr(gen_random_uuid()::text, 16))::uuid, e.type, e.subject_id, e.dedupe_key, e.data, 'pending', 0, e.at, e.at
    FROM (SELECT 'payout.' || s.status, s.id, 'payout.' || s.status || ':' || s.id, jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message), $21::timestamptz
FROM payouts_reported s WHERE s.settled_now
UNION ALL
-- One event per contradicting status: the ledger must hear that the gateway reversed itself.
SELECT 'payout.status_conflict', s.id, 'payout.status_conflict:' || s.id || ':' || s.conflict_now,
    jsonb_build_object('payoutId', s.id, 'withdrawalId', s.withdrawal_id, 'label', s.label, 'amount', s.amount, 'settledAmount', CASE WHEN s.status = 'paid' THEN trim_scale(s.settled_amount) END, 'currency', s.currency, 'status', s.status, 'amountMismatch', s.amount_mismatch, 'withdrawalStatus', s.withdrawal_status, 'gatewayMessage', s.gateway_message) || jsonb_build_object('conflictingStatus', s.conflict_now), $21::timestamptz
FROM payouts_reported s WHERE s.conflict_now IS NOT NULL) AS e(type, subject_id, dedupe_key, data, at)
    ON CONFLICT (dedupe_key) DO NOTHING
),
label_mismatch AS (
    -- The top-level label is unsigned; the deposit a signed transaction names (through its
    -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
    SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $25::text, 'signed', m.deposit_label)) AS found
    FROM matched m
    WHERE $25::text IS NOT NULL AND m.deposit_label <> $25::text
),
decision AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'accepted'
     WHEN EXISTS (SELECT 1 FROM incoming) THEN 'duplicate'
     WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = $26 AND s.transaction_count = 0
                  AND s.outcome IN ('accepted', 'duplicate')) THEN 'duplicate'
     ELSE 'accepted' END AS outcome),
original AS (
    SELECT s.id FROM postbacks s
    WHERE s.id = (SELECT g.postback_id FROM gateway_transactions g
                  WHERE g.fact_key = (SELECT fact_key FROM incoming ORDER BY ord LIMIT 1))
      AND s.signed_sha256 = $26
    UNION ALL
    SELECT s.id FROM postbacks s
    WHERE NOT EXISTS (SELECT 1 FROM incoming) AND s.signed_sha256 = $26 AND s.transaction_count = 0
      AND s.outcome IN ('accepted', 'duplicate')
    LIMIT 1
),
repeated AS (
    INSERT INTO postback_repeats AS r (postback_id, repeats, first_repeated_at, last_repeated_at, last_remote_ip,
        discrepant_repeats, last_discrepancies)
    SELECT o.id, 1, $27, $27, $28, CASE WHEN x.found IS NULL THEN 0 ELSE 1 END, x.found
    FROM decision v
    CROSS JOIN LATERAL (SELECT id FROM original WHERE v.outcome = 'duplicate') o
    CROSS JOIN (SELECT NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb) AS found) x
    ON CONFLICT (postback_id) DO UPDATE SET repeats = r.repeats + 1, last_repeated_at = EXCLUDED.last_repeated_at,
        last_remote_ip = EXCLUDED.last_remote_ip, discrepant_repeats = r.discrepant_repeats + EXCLUDED.discrepant_repeats,
        last_discrepancies = COALESCE(EXCLUDED.last_discrepancies, r.last_discrepancies)
    RETURNING postback_id
),
stored AS (
    INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
        reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
        transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
    SELECT $24, $27,
        CASE WHEN v.outcome = 'duplicate' THEN substring($30 FROM 1 FOR $31) ELSE $30 END,
        $32, $33 OR (v.outcome = 'duplicate' AND octet_length($30) > $31),
        $34, $28, v.outcome, NULL, NULL, $35, $36, $37,
        $38, $39, $40, $25, $41,
        (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), NULLIF(COALESCE($29::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb), $26
    FROM decision v
    WHERE NOT EXISTS (SELECT 1 FROM repeated)
    RETURNING id
)
SELECT v.outcome, (SELECT count(*)::int FROM inserted), (SELECT count(*)::int FROM confirmed),
ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'paid'),
(SELECT count(*)::int FROM payouts_reported WHERE settled_now AND status = 'cancelled'),
(SELECT count(*)::int FROM payouts_reported WHERE conflict_now IS NOT NULL), (SELECT postback_id FROM repeated)
FROM decision v


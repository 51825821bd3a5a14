-- pgbench script: the floor for postback ingestion. One statement (one round trip, prepared, in its
-- own implicit transaction with a durable COMMIT) doing the writes the service must do for one
-- postback that confirms a deposit: the raw body row in postbacks (same columns, the same body
-- and value sizes, the same indexes: pk, received_at, (outcome, received_at), GIN transaction_ids),
-- the signed transaction row in gateway_transactions (matched to its proof by custom order id
-- through the same unique index, the same indexes (the signed fact's key among them) and 3 foreign keys), and the deposit's move to
-- confirmed. Nothing is parsed, verified or checked for duplicates: a lower bound, not a rival
-- implementation. Ids are time-ordered like the service's UUIDv7 (btree locality).
-- Variables (pgbench -D): bodylen, itemlen.
WITH n AS (
    SELECT nextval('bench_floor_seq') AS n
),
pb AS (
    INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
        reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
        transaction_ids, transaction_count, new_transaction_count)
    SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid,
        now(), convert_to(rpad(n::text, :bodylen, 'x'), 'UTF8'), :bodylen, false, md5(n::text) || md5(n::text), '127.0.0.1',
        'accepted', NULL, NULL, 'current', 'current', rpad(md5(n::text), 40, '0'), 'bench-access-key', 'ingoing', '300',
        'bench-' || (n % 100), ARRAY[(500000000000 + n)::text], 1, 1
    FROM n
    RETURNING id
),
tx AS (
    INSERT INTO gateway_transactions (id, postback_id, direction, transaction_id, amount, amount_text, currency_code,
        wallet_type, custom_order_id, proof_id, deposit_id, applied, amount_mismatch, activated_at, gateway_created_at,
        transaction_type, withdrawal_id, withdrawal_status, account_number, item, stored_at, fact_key)
    SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid,
        pb.id, 'ingoing', (500000000000 + n.n)::text, 300, '300', 'BTN', 'bnb_ml', p.custom_transaction_id, p.id,
        p.deposit_id, true, false, now(), now(), 0, NULL, NULL, '',
        ('{"x":"' || rpad(n.n::text, :itemlen - 8, 'x') || '"}')::json, now(),
        'ingoing' || chr(58) || 'tx' || chr(58) || (500000000000 + n.n)  -- chr(58): pgbench reads a colon as a variable
    FROM n, pb, proofs p
    WHERE p.custom_transaction_id = 'pmf_' || n.n
    RETURNING deposit_id
)
UPDATE deposits SET status = 'confirmed', confirmed_amount = 300, confirmed_at = now(), updated_at = now()
WHERE id = (SELECT deposit_id FROM tx);

-- Deposits awaiting their postback, one per postback number: deposit PREFIX-n (label bench-(n mod 100),
-- pending_confirmation) with a forwarded proof whose custom_transaction_id is PREFIX || n, amount 300:
-- what a day of users who uploaded proofs leaves behind. Usage:
--   psql -v prefix=pmb_ -v first=1 -v last=100000 -f seed.sql
-- Ids are derived from the prefix and number (md5), so the postback generator needs no lookup.
-- Transaction numbers are number_base + n (default 0): a number may be held by one live proof only,
-- so two seeds in one database need bases far enough apart (run.sh seeds the floor's from 5e11).
\if :{?number_base}
\else
\set number_base 0
\endif
BEGIN;
INSERT INTO deposits (id, label, status, currency, wallet_type, amount, wallet_number, account_name, is_check_amount,
    gateway_params, amount_mismatch, created_at, updated_at, confirmed_after_expiry)
SELECT md5('deposit:' || :'prefix' || g)::uuid, 'bench-' || (g % 100), 'pending_confirmation', 'BTN', 'bnb_ml', 300,
    '4417020311', 'Sandbox Merchant', NULL,
    '{"Wallet number":"4417020311","Account name":"Sandbox Merchant","is_check_amount":null}', false,
    now(), now(), false
FROM generate_series(:first::bigint, :last::bigint) AS g;

INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, attempts,
    outcome_uncertain, attempt_limit, request_hash, screenshot_file_name, screenshot_content_type, screenshot_size,
    screenshot_sha256, created_at, updated_at, forwarded_at)
SELECT md5('proof:' || :'prefix' || g)::uuid, md5('deposit:' || :'prefix' || g)::uuid, 'bench-' || (g % 100),
    :'prefix' || g, lpad((:number_base::bigint + g)::text, 12, '0'), 300, 'forwarded', 1, false, 300, md5(g::text) || md5(g::text),
    'receipt.png', 'image/png', 123456, md5(g::text) || md5(g::text), now(), now(), now()
FROM generate_series(:first::bigint, :last::bigint) AS g;
COMMIT;
ANALYZE deposits;
ANALYZE proofs;

using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// The SQL that stores a verified postback in one statement (see <see cref="PostbackStore"/>). Each
/// statement is assembled once from these parts; the parameters are positional ($n), listed here.
/// </summary>
internal static class PostbackStatements
{
    // The signed items as a relation. Parameters: $1 postback id, $2 the unsigned top-level label,
    // $3..$21 the item columns (in the order of the SELECT below), $22 now, $23 discrepancies found
    // in C# (jsonb), $24 the withdrawal statuses that mean paid (int[]; an applied outgoing item with
    // any other status means cancelled: C# flags the statuses in neither list). A postback almost always carries one item: it is passed as scalars, which
    // PostgreSQL knows to be one row even in a generic plan; any other count goes as arrays.
    private const string IncomingOne = """
        WITH incoming AS (
            SELECT $3::uuid AS id, $4::text AS direction, $5::text AS transaction_id, $6::text AS item_sha256,
                $7::numeric AS amount, $8::text AS amount_text, $9::text AS currency_code, $10::text AS wallet_type,
                $11::text AS custom_order_id, $12::timestamptz AS activated_at, $13::text AS activated_text,
                $14::timestamptz AS gateway_created_at, $15::text AS gateway_created_text, $16::int AS transaction_type,
                $17::text AS withdrawal_id, $18::int AS withdrawal_status, $19::text AS account_number,
                $20::text AS unapplied_reason, $21::text AS item
        ),
        """;

    private const string IncomingMany = """
        WITH incoming AS (
            SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::text[],
                                 $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::timestamptz[], $15::text[],
                                 $16::int[], $17::text[], $18::int[], $19::text[], $20::text[], $21::text[])
                AS t(id, direction, transaction_id, item_sha256, amount, amount_text, currency_code, wallet_type,
                     custom_order_id, activated_at, activated_text, gateway_created_at, gateway_created_text,
                     transaction_type, withdrawal_id, withdrawal_status, account_number, unapplied_reason, item)
        ),
        """;

    /// <summary>
    /// Matches each signed item to our proof (deposits, by custom order id) and the proof's deposit, or
    /// else to a payment window deposit by its own custom_transaction_id, inserts the items (each once:
    /// the unique keys decide), confirms the deposits of the newly inserted applicable ones, marks their
    /// proofs forwarded (the gateway evidently has them), and finds label discrepancies. An item that
    /// cannot credit is inserted all the same, with its reason.
    /// </summary>
    /// <remarks>
    /// Every row is found by a unique index probe and read once (<c>matched</c>), then reused: this
    /// statement runs for every postback, and each extra probe or plan node showed in PostgreSQL's CPU
    /// per postback (bench/README.md). The plans are generic (prepared once per connection), so no
    /// step may leave the planner a choice that depends on how many rows a status has. No expression
    /// here may be NULL where a NOT NULL column takes it: a genuine postback must never fail to store.
    /// </remarks>
    private static readonly string ApplyItems = $"""
        matched AS (
            SELECT i.*, p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
                COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
                w.amount AS window_amount,
                po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency
            FROM incoming i
            LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
            -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
            -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
            LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
            -- Only by the signed withdrawal_id: never by the unsigned direction or label.
            LEFT JOIN payouts po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
        ),
        inserted AS (
            INSERT INTO gateway_transactions (id, postback_id, direction, transaction_id, item_sha256, amount, amount_text,
                currency_code, wallet_type, custom_order_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
                activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id,
                withdrawal_status, account_number, item, stored_at)
            SELECT m.id, $1, m.direction, m.transaction_id, m.item_sha256, m.amount, m.amount_text, m.currency_code,
                m.wallet_type, m.custom_order_id, m.proof_id, m.deposit_id, m.payout_id, j.reason IS NULL, j.reason,
                (m.proof_id IS NOT NULL AND m.amount IS DISTINCT FROM m.proof_amount)
                    OR (m.window_amount IS NOT NULL AND m.amount IS DISTINCT FROM m.window_amount)
                    OR (m.payout_id IS NOT NULL AND m.amount IS DISTINCT FROM m.payout_amount),
                m.activated_at, m.activated_text, m.gateway_created_at, m.gateway_created_text, m.transaction_type,
                m.withdrawal_id, m.withdrawal_status, m.account_number, m.item::json, $22
            FROM matched m
            CROSS JOIN LATERAL (SELECT COALESCE(m.unapplied_reason, CASE
                WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN 'no_matching_payout'
                WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Pay)}) THEN 'payout_not_settleable'
                WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN 'currency_mismatch'
                WHEN m.direction = 'outgoing' THEN NULL
                WHEN m.deposit_id IS NULL THEN 'no_matching_proof'
                WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN 'currency_mismatch'
            END) AS reason) j
            -- No target: the transaction id's key, or the signed bytes' key for an item without one.
            ON CONFLICT DO NOTHING
            RETURNING id, deposit_id, proof_id, payout_id, amount, withdrawal_status, applied, unapplied_reason
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
            SET status = {DepositTransitions.Moves.SqlTo(DepositMove.Confirm)},
                confirmed_amount = COALESCE(d.confirmed_amount, 0) + c.total,
                confirmed_at = COALESCE(d.confirmed_at, $22),
                confirmed_after_expiry = d.confirmed_after_expiry OR d.status = {DepositTransitions.Sql(DepositStatus.Expired)},
                credited_proof_ids = d.credited_proof_ids
                    || ARRAY(SELECT x FROM unnest(c.proof_ids) x WHERE x <> ALL (d.credited_proof_ids)),
                amount_mismatch = CASE WHEN d.custom_transaction_id IS NULL
                    THEN COALESCE(d.confirmed_amount, 0) + c.total <> COALESCE(
                        (SELECT sum(p.amount) FROM proofs p WHERE p.id = ANY (d.credited_proof_ids || c.proof_ids)), 0)
                    ELSE d.amount IS NOT NULL AND COALESCE(d.confirmed_amount, 0) + c.total <> d.amount END,
                updated_at = $22
            FROM credited c
            WHERE d.id = c.deposit_id
            RETURNING d.*
        ),
        {EventStatements.Emit("deposit_events", $"""
            -- A deposit.confirmed per credited total (a second signed transaction tells the ledger the new
            -- total), and a deposit.amount_mismatch when that total is not what the user claimed.
            SELECT t.type, c.id, t.type || ':' || c.id || ':' || c.confirmed_amount, {EventStatements.DepositData("c")}, $22::timestamptz
            FROM confirmed c
            CROSS JOIN (VALUES ('{EventTypes.DepositConfirmed}'), ('{EventTypes.DepositAmountMismatch}')) AS t(type)
            WHERE t.type = '{EventTypes.DepositConfirmed}' OR c.amount_mismatch
            """)},
        delivered AS (
            -- Only the proofs this statement saw still waiting: almost always none, as the gateway
            -- posts back after it accepted the proof. Found by primary key; the status is checked
            -- again on the row itself, so a dispatcher's concurrent change is respected. Written as
            -- NOT IN (same set, by ck_proofs_status) so that no plan can drive this from the status
            -- index instead, reading every failed proof ever kept for every postback.
            UPDATE proofs p SET status = {ProofTransitions.Moves.SqlTo(ProofMove.DeliveredByPostback)}, forwarded_at = COALESCE(p.forwarded_at, $22),
                next_attempt_at = NULL, updated_at = $22
            WHERE p.id = ANY (ARRAY(
                    SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
                    WHERE m.proof_status IN ({ProofTransitions.Moves.SqlFrom(ProofMove.DeliveredByPostback)})))
              AND p.status NOT IN ({ProofTransitions.Moves.SqlNotFrom(ProofMove.DeliveredByPostback)})
            RETURNING p.id
        ),
        settled AS (
            -- A payout is settled by its signed item's withdrawal_status, once: a redelivered item is
            -- not inserted again, and a paid or cancelled payout is not a status this moves from (the
            -- row's own status is checked again here, after any concurrent writer). The signed amount is
            -- kept, and a difference from ours flagged.
            UPDATE payouts po
            SET status = CASE WHEN i.withdrawal_status = ANY ($24::int[])
                              THEN {PayoutTransitions.Moves.SqlTo(PayoutMove.Pay)} ELSE {PayoutTransitions.Moves.SqlTo(PayoutMove.Cancel)} END,
                withdrawal_status = i.withdrawal_status, settled_amount = i.amount,
                amount_mismatch = po.amount_mismatch OR i.amount IS DISTINCT FROM po.amount,
                settled_at = $22, next_attempt_at = NULL, updated_at = $22
            FROM inserted i
            WHERE po.id = i.payout_id AND i.applied
              AND po.status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Pay)})
            RETURNING po.*
        ),
        {EventStatements.Emit("payout_events", $"""
            SELECT 'payout.' || s.status, s.id, 'payout.' || s.status || ':' || s.id, {EventStatements.PayoutData("s")}, $22::timestamptz
            FROM settled s
            """)},
        label_mismatch AS (
            -- The top-level label is unsigned; the deposit a signed transaction names (through its
            -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
            SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', $2::text, 'signed', m.deposit_label)) AS found
            FROM matched m
            WHERE $2::text IS NOT NULL AND m.deposit_label <> $2::text
        )
        """;

    // Duplicate when it carried items and none was new. With no items at all there is nothing to
    // decide by, so its signed value is: seen before, it is a duplicate (a replay stores no body).
    private const string Outcome = """
        CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'accepted'
             WHEN EXISTS (SELECT 1 FROM incoming) THEN 'duplicate'
             WHEN EXISTS (SELECT 1 FROM postbacks s WHERE s.signed_sha256 = $38 AND s.transaction_count = 0
                          AND s.outcome IN ('accepted', 'duplicate')) THEN 'duplicate'
             ELSE 'accepted' END
        """;

    private const string Discrepancies = """
        NULLIF(COALESCE($23::jsonb, '[]'::jsonb) || COALESCE((SELECT found FROM label_mismatch), '[]'::jsonb), '[]'::jsonb)
        """;

    // What the caller learns: the outcome, how many items were new, how many deposits were confirmed,
    // and the reasons of the new items that credit nothing (for the metric and the log).
    private const string Returning = """
        RETURNING outcome, new_transaction_count, (SELECT count(*)::int FROM confirmed),
            ARRAY(SELECT unapplied_reason FROM inserted WHERE unapplied_reason IS NOT NULL),
            (SELECT count(*)::int FROM settled WHERE status = 'paid'), (SELECT count(*)::int FROM settled WHERE status = 'cancelled')
        """;

    // A verified postback: its row is inserted last, with the outcome the CTEs decided (the foreign
    // key from gateway_transactions is checked at the end of the statement). A duplicate keeps only
    // the first $39 bytes of its body: the accepted original holds the evidence. Further parameters:
    // $25 received_at, $26 body, $27 body_length, $28 body_truncated, $29 body_sha256, $30 remote_ip,
    // $31 verified_with, $32 format, $33 signature, $34 access_key, $35 direction, $36 amount,
    // $37 transaction_ids, $38 signed_sha256, $39 bytes of a duplicate's body kept.
    private const string InsertVerifiedPostback = $"""
        INSERT INTO postbacks (id, received_at, body, body_length, body_truncated, body_sha256, remote_ip, outcome,
            reject_reason, reject_detail, verified_with, format, signature, access_key, direction, amount, label,
            transaction_ids, transaction_count, new_transaction_count, discrepancies, signed_sha256)
        SELECT $1, $25, CASE WHEN v.outcome = 'duplicate' THEN substring($26 FROM 1 FOR $39) ELSE $26 END, $27,
            $28 OR (v.outcome = 'duplicate' AND octet_length($26) > $39), $29, $30, v.outcome, NULL, NULL, $31, $32, $33,
            $34, $35, $36, $2, $37, (SELECT count(*) FROM incoming), (SELECT count(*) FROM inserted), {Discrepancies}, $38
        FROM (SELECT {Outcome} AS outcome) v
        {Returning}
        """;

    // A stored rejected or held postback that now verifies (ops reverify): its row exists and is updated.
    // Parameters $1..$24 only ($38 is never reached: a stored postback's items are counted already).
    private const string UpdateReverifiedPostback = $"""
        UPDATE postbacks
        SET outcome = CASE WHEN EXISTS (SELECT 1 FROM inserted) OR NOT EXISTS (SELECT 1 FROM incoming)
                           THEN 'accepted' ELSE 'duplicate' END,
            transaction_count = (SELECT count(*) FROM incoming),
            new_transaction_count = (SELECT count(*) FROM inserted),
            discrepancies = {Discrepancies}
        WHERE id = $1
        {Returning}
        """;

    public static readonly string StoreOne = IncomingOne + ApplyItems + InsertVerifiedPostback;

    public static readonly string StoreMany = IncomingMany + ApplyItems + InsertVerifiedPostback;

    public static readonly string Reverify = IncomingMany + ApplyItems + UpdateReverifiedPostback;

    /// <summary>
    /// A postback that was not applied: rejected (kept with its reason, its body cut to an excerpt)
    /// or held (verified, but the statement above failed: kept whole). $1 id, $2 label, $3 outcome,
    /// $4 reason, $5 detail, $6..$19 as $25..$38 above.
    /// </summary>
    public const string InsertUnapplied = """
        INSERT INTO postbacks (id, label, outcome, reject_reason, reject_detail, received_at, body, body_length,
            body_truncated, body_sha256, remote_ip, verified_with, format, signature, access_key, direction, amount,
            transaction_ids, signed_sha256, transaction_count, new_transaction_count)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, cardinality($18::text[]), 0)
        """;

    /// <summary>
    /// One batch of the retention job: rejected and duplicate postbacks received before $1, at most $2,
    /// claimed with SKIP LOCKED so that instances share the work. Such a postback brings no stored
    /// transaction (only the postback that inserted one is named by it); the NOT EXISTS keeps it so
    /// should that ever change.
    /// </summary>
    public const string DeleteExpired = """
        DELETE FROM postbacks
        WHERE id IN (SELECT p.id FROM postbacks p
                     WHERE p.outcome IN ('rejected', 'duplicate') AND p.received_at < $1
                       AND NOT EXISTS (SELECT 1 FROM gateway_transactions g WHERE g.postback_id = p.id)
                     ORDER BY p.received_at
                     LIMIT $2
                     FOR UPDATE SKIP LOCKED)
        """;
}

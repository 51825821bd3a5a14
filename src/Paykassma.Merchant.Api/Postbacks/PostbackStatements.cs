using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// The SQL that stores a verified postback in one statement (see <see cref="PostbackStore"/>, ADR
/// 0002). Each statement is assembled once from these parts; its parameters are named here and
/// numbered by <see cref="StatementParameters{TContext}"/>, bound by <see cref="PostbackStatementInput"/>.
/// </summary>
internal static partial class PostbackStatements
{
    /// <summary>
    /// Matches each signed item to our proof (deposits, by custom order id) and the proof's deposit, or
    /// else to a payment window deposit by its own custom_transaction_id, or to our payout by its signed
    /// withdrawal_id; inserts the facts (each once: the fact key decides, ADR 0014); confirms the
    /// deposits of the newly inserted applicable ones and marks their proofs forwarded; applies each new
    /// withdrawal status to its payout in arrival order; and finds label discrepancies. An item that
    /// cannot apply is inserted all the same, with its reason.
    /// </summary>
    /// <remarks>
    /// Every row is found by a unique index probe and read once (<c>matched</c>), then reused: this
    /// statement runs for every postback, and each extra probe or plan node showed in PostgreSQL's CPU
    /// per postback (bench/README.md). The plans are generic (prepared once per connection), so no
    /// step may leave the planner a choice that depends on how many rows a status has. No expression
    /// here may be NULL where a NOT NULL column takes it: a genuine postback must never fail to store.
    /// </remarks>
    private static string ApplyItems(StatementParameters<PostbackStatementInput> p, string incoming)
    {
        var now = p["now"];
        var payoutAtGateway = PayoutTransitions.Moves.SqlFrom(PayoutMove.Pay);
        return $"""
        WITH incoming AS (
            {incoming}
        ),
        payouts_named AS (
            -- The payouts that signed withdrawal ids name, locked and read as they are now, not as this
            -- statement's snapshot had them: two reports of one withdrawal (paid and cancelled, say) are
            -- then judged one after the other, so a contradiction is always seen as one. A deposit
            -- postback names none: an empty probe of the unique index.
            SELECT id, withdrawal_id, amount, status, currency FROM payouts
            WHERE withdrawal_id = ANY (ARRAY(SELECT withdrawal_id FROM incoming WHERE direction = 'outgoing' AND withdrawal_id IS NOT NULL))
            FOR UPDATE
        ),
        matched AS (
            SELECT i.*, p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
                COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
                w.amount AS window_amount,
                po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency,
                -- What a withdrawal status means for the payout: the status it settles it in, or none (interim, unknown).
                CASE WHEN i.withdrawal_status = ANY ({p["paid_statuses"]}::int[]) THEN {PayoutTransitions.Moves.SqlTo(PayoutMove.Pay)}
                     WHEN i.withdrawal_status = ANY ({p["cancelled_statuses"]}::int[]) THEN {PayoutTransitions.Moves.SqlTo(PayoutMove.Cancel)}
                END AS settles_to
            FROM incoming i
            LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
            LEFT JOIN deposits d ON d.id = p.deposit_id
            -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
            -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
            LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
            -- Only by the signed withdrawal_id: never by the unsigned direction or label.
            LEFT JOIN payouts_named po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
        ),
        judged AS (
            -- Why an item cannot apply, if it cannot. A withdrawal status is judged against the payout's
            -- status before it: the row's own, unless a final status earlier in this same postback
            -- (arrival order) settles it first. Reports for a settled payout change nothing: the same
            -- outcome again (or an interim status arriving late) is noted, a contradicting final one is
            -- a conflict for ops and the ledger; the payout never moves back.
            SELECT m.*, COALESCE(m.item_reason, CASE
                WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN '{UnappliedReasons.NoMatchingPayout}'
                WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ({payoutAtGateway}, {PayoutSettled})
                    THEN '{UnappliedReasons.PayoutNotSettleable}'
                WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN '{UnappliedReasons.CurrencyMismatch}'
                WHEN m.direction = 'outgoing' AND b.status IN ({PayoutSettled}) AND m.settles_to <> b.status THEN '{UnappliedReasons.StatusConflict}'
                WHEN m.direction = 'outgoing' AND b.status IN ({PayoutSettled}) THEN '{UnappliedReasons.PayoutAlreadySettled}'
                WHEN m.direction = 'outgoing' THEN NULL
                WHEN m.deposit_id IS NULL THEN '{UnappliedReasons.NoMatchingProof}'
                WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN '{UnappliedReasons.CurrencyMismatch}'
            END) AS reason
            FROM matched m
            CROSS JOIN LATERAL (SELECT COALESCE(
                (SELECT e.settles_to FROM matched e
                 WHERE m.direction = 'outgoing' AND m.payout_status IN ({payoutAtGateway})
                   AND e.payout_id = m.payout_id AND e.ord < m.ord AND e.settles_to IS NOT NULL AND e.item_reason IS NULL
                 ORDER BY e.ord LIMIT 1),
                m.payout_status) AS status) b
        ),
        inserted AS (
            INSERT INTO gateway_transactions (id, postback_id, direction, fact_key, transaction_id, item_sha256, amount, amount_text,
                currency_code, wallet_type, custom_order_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
                activated_at, activated_text, gateway_created_at, gateway_created_text, transaction_type, withdrawal_id,
                withdrawal_status, account_number, item, stored_at)
            SELECT j.id, {p["postback_id"]}, j.direction, j.fact_key, j.transaction_id, j.item_sha256, j.amount, j.amount_text, j.currency_code,
                j.wallet_type, j.custom_order_id, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
                (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
                    OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
                    OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
                j.activated_at, j.activated_text, j.gateway_created_at, j.gateway_created_text, j.transaction_type,
                j.withdrawal_id, j.withdrawal_status, j.account_number, j.item::json, {now}
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
            SET status = {DepositTransitions.Moves.SqlTo(DepositMove.Confirm)},
                confirmed_amount = COALESCE(d.confirmed_amount, 0) + c.total,
                confirmed_at = COALESCE(d.confirmed_at, {now}),
                confirmed_after_expiry = d.confirmed_after_expiry OR d.status = {DepositTransitions.Sql(DepositStatus.Expired)},
                credited_proof_ids = d.credited_proof_ids
                    || ARRAY(SELECT x FROM unnest(c.proof_ids) x WHERE x <> ALL (d.credited_proof_ids)),
                amount_mismatch = CASE WHEN d.custom_transaction_id IS NULL
                    THEN COALESCE(d.confirmed_amount, 0) + c.total <> COALESCE(
                        (SELECT sum(p.amount) FROM proofs p WHERE p.id = ANY (d.credited_proof_ids || c.proof_ids)), 0)
                    ELSE d.amount IS NOT NULL AND COALESCE(d.confirmed_amount, 0) + c.total <> d.amount END,
                updated_at = {now}
            FROM credited c
            WHERE d.id = c.deposit_id
            RETURNING d.*
        ),
        {EventStatements.Emit("deposit_events", $"""
            -- A deposit.confirmed per credited total (a second signed transaction tells the ledger the new
            -- total), and a deposit.amount_mismatch when that total is not what the user claimed.
            SELECT t.type, c.id, t.type || ':' || c.id || ':' || c.confirmed_amount, {EventStatements.DepositData("c")}, {now}::timestamptz
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
            UPDATE proofs p SET status = {ProofTransitions.Moves.SqlTo(ProofMove.DeliveredByPostback)}, forwarded_at = COALESCE(p.forwarded_at, {now}),
                next_attempt_at = NULL, updated_at = {now}
            WHERE p.id = ANY (ARRAY(
                    SELECT m.proof_id FROM matched m JOIN inserted i ON i.id = m.id
                    WHERE m.proof_status IN ({ProofTransitions.Moves.SqlFrom(ProofMove.DeliveredByPostback)})))
              AND p.status NOT IN ({ProofTransitions.Moves.SqlNotFrom(ProofMove.DeliveredByPostback)})
            RETURNING p.id
        ),
        {PayoutReports(now)},
        label_mismatch AS (
            -- The top-level label is unsigned; the deposit a signed transaction names (through its
            -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
            SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', {p["label"]}::text, 'signed', m.deposit_label)) AS found
            FROM matched m
            WHERE {p["label"]}::text IS NOT NULL AND m.deposit_label <> {p["label"]}::text
        )
        """;
    }

    private static readonly string PayoutSettled = SnakeCaseEnumConverter<PayoutStatus>.SqlList(
        [PayoutTransitions.Moves.To(PayoutMove.Pay), PayoutTransitions.Moves.To(PayoutMove.Cancel)]);

    /// <summary>
    /// What this postback's new withdrawal facts do to each payout, in arrival order: the first final
    /// status that applies settles it (with the signed amount, a difference from ours flagged); the last
    /// status that applies is recorded as reported (an interim one leaves it where it is); the first
    /// contradiction flags it. One update per payout, on the row <c>payouts_named</c> locked. Then the
    /// ledger hears of each settlement and each conflict, in the same statement.
    /// </summary>
    private static string PayoutReports(string now) => $"""
        payout_reports AS (
            SELECT j.payout_id,
                (array_agg(j.settles_to ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS settles_to,
                (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_status,
                (array_agg(j.amount ORDER BY j.ord) FILTER (WHERE i.applied AND j.settles_to IS NOT NULL))[1] AS final_amount,
                (array_agg(j.withdrawal_status ORDER BY j.ord DESC) FILTER (WHERE i.applied))[1] AS reported_status,
                (array_agg(j.withdrawal_status ORDER BY j.ord) FILTER (WHERE i.unapplied_reason = '{UnappliedReasons.StatusConflict}'))[1] AS conflicting_status
            FROM inserted i JOIN judged j ON j.id = i.id
            WHERE i.payout_id IS NOT NULL
            GROUP BY j.payout_id
        ),
        payouts_reported AS (
            UPDATE payouts po
            SET status = CASE WHEN r.settles_to IS NOT NULL AND po.status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Pay)})
                              THEN r.settles_to ELSE po.status END,
                withdrawal_status = COALESCE(r.final_status, r.reported_status, po.withdrawal_status),
                reported_at = CASE WHEN r.reported_status IS NOT NULL THEN {now} ELSE po.reported_at END,
                settled_amount = CASE WHEN r.settles_to IS NOT NULL THEN r.final_amount ELSE po.settled_amount END,
                amount_mismatch = po.amount_mismatch OR (r.settles_to IS NOT NULL AND r.final_amount IS DISTINCT FROM po.amount),
                settled_at = CASE WHEN r.settles_to IS NOT NULL THEN {now} ELSE po.settled_at END,
                next_attempt_at = CASE WHEN r.settles_to IS NOT NULL THEN NULL ELSE po.next_attempt_at END,
                status_conflict = po.status_conflict OR r.conflicting_status IS NOT NULL,
                conflicting_status = COALESCE(po.conflicting_status, r.conflicting_status),
                updated_at = {now}
            FROM payout_reports r
            WHERE po.id = r.payout_id
            RETURNING po.*, r.settles_to IS NOT NULL AS settled_now, r.conflicting_status AS conflict_now
        ),
        {EventStatements.Emit("payout_events", $"""
            SELECT 'payout.' || s.status, s.id, 'payout.' || s.status || ':' || s.id, {EventStatements.PayoutData("s")}, {now}::timestamptz
            FROM payouts_reported s WHERE s.settled_now
            UNION ALL
            -- One event per contradicting status: the ledger must hear that the gateway reversed itself.
            SELECT '{EventTypes.PayoutStatusConflict}', s.id, '{EventTypes.PayoutStatusConflict}:' || s.id || ':' || s.conflict_now,
                {EventStatements.PayoutData("s")} || jsonb_build_object('conflictingStatus', s.conflict_now), {now}::timestamptz
            FROM payouts_reported s WHERE s.conflict_now IS NOT NULL
            """)}
        """;
}

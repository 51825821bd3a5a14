using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>Which kinds of signed items a postback statement is built for.</summary>
[Flags]
internal enum ItemDirections
{
    /// <summary>Deposits: items matched to proofs and window deposits, which confirm deposits.</summary>
    Ingoing = 1,

    /// <summary>Withdrawals: items matched to payouts by their signed withdrawal id, which settle payouts.</summary>
    Outgoing = 2,

    Both = Ingoing | Outgoing,
}

/// <summary>
/// The parts of the postback statement that only one direction needs. A deposit's postback (nearly
/// every postback) runs a statement without the payout parts, a withdrawal's one without the deposit
/// parts: each part left out is relations the statement need not open and lock (a table and all its
/// indexes per written table), plan nodes it need not start, and planning it need not do
/// (bench/README.md, "The postback's cost, part by part"). The parts a direction leaves out are stood
/// in for by empty relations of the same columns, so the rest of the statement reads the same.
/// </summary>
internal static partial class PostbackStatements
{
    /// <summary>The statement for these rows: the smallest one built for every direction they hold.</summary>
    public static PostbackStatement For(IReadOnlyList<TransactionRow> rows)
    {
        var directions = rows.Count == 0
            ? ItemDirections.Ingoing
            : rows.Aggregate((ItemDirections)0, (all, r) => all | (r.Direction == TransactionDirection.Outgoing ? ItemDirections.Outgoing : ItemDirections.Ingoing));
        var one = rows.Count == 1;
        return directions switch
        {
            ItemDirections.Ingoing => one ? StoreOneIngoing : StoreManyIngoing,
            ItemDirections.Outgoing => one ? StoreOneOutgoing : StoreManyOutgoing,
            _ => one ? StoreOne : StoreMany,
        };
    }

    private const string PayoutsNamed = """
        payouts_named AS (
            -- The payouts that signed withdrawal ids name, locked and read as they are now, not as this
            -- statement's snapshot had them: two reports of one withdrawal (paid and cancelled, say) are
            -- then judged one after the other, so a contradiction is always seen as one. Only in the
            -- statements built for withdrawals: a deposit's postback does not touch payouts.
            SELECT id, withdrawal_id, amount, status, currency FROM payouts
            WHERE withdrawal_id = ANY (ARRAY(SELECT withdrawal_id FROM incoming WHERE direction = 'outgoing' AND withdrawal_id IS NOT NULL))
            FOR UPDATE
        ),

        """;

    private const string DepositMatch = """
        p.id AS proof_id, COALESCE(p.deposit_id, w.id) AS deposit_id, p.amount AS proof_amount, p.status AS proof_status,
                COALESCE(d.currency, w.currency) AS deposit_currency, COALESCE(d.label, w.label) AS deposit_label,
                w.amount AS window_amount
        """;

    private const string NoDepositMatch = """
        NULL::uuid AS proof_id, NULL::uuid AS deposit_id, NULL::numeric AS proof_amount, NULL::text AS proof_status,
                NULL::text AS deposit_currency, NULL::text AS deposit_label, NULL::numeric AS window_amount
        """;

    private const string DepositJoins = """
        LEFT JOIN proofs p ON i.direction = 'ingoing' AND p.custom_transaction_id = i.custom_order_id
                    LEFT JOIN deposits d ON d.id = p.deposit_id
                    -- A payment window deposit carries the id itself (ux_deposits_custom_transaction_id). A proof's
                    -- id (pm_) and a window deposit's (pw_) never coincide; should they, the proof wins.
                    LEFT JOIN deposits w ON i.direction = 'ingoing' AND p.id IS NULL AND w.custom_transaction_id = i.custom_order_id
        """;

    private static string PayoutMatch(StatementParameters<PostbackStatementInput> p) => $"""
        po.id AS payout_id, po.amount AS payout_amount, po.status AS payout_status, po.currency AS payout_currency,
                -- What a withdrawal status means for the payout: the status it settles it in, or none (interim, unknown).
                CASE WHEN i.withdrawal_status = ANY ({p["paid_statuses"]}::int[]) THEN {PayoutTransitions.Moves.SqlTo(PayoutMove.Pay)}
                     WHEN i.withdrawal_status = ANY ({p["cancelled_statuses"]}::int[]) THEN {PayoutTransitions.Moves.SqlTo(PayoutMove.Cancel)}
                END AS settles_to
        """;

    private const string NoPayoutMatch = """
        NULL::uuid AS payout_id, NULL::numeric AS payout_amount, NULL::text AS payout_status, NULL::text AS payout_currency,
                NULL::text AS settles_to
        """;

    // Only by the signed withdrawal_id: never by the unsigned direction or label.
    private const string PayoutJoin = """
        LEFT JOIN payouts_named po ON i.direction = 'outgoing' AND po.withdrawal_id = i.withdrawal_id
        """;

    /// <summary>What the new deposit facts do: the deposits confirmed, their events, their proofs marked delivered.</summary>
    private static string DepositEffects(string now) => $"""
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
        """;

    // Results count confirmed deposits: none.
    private const string NoDepositEffects = """
        confirmed AS (SELECT NULL::uuid AS id WHERE false),
        """;

    // Results count the payouts settled and in conflict: none.
    private const string NoPayoutReports = """
        payouts_reported AS (SELECT NULL::text AS status, false AS settled_now, NULL::int AS conflict_now WHERE false)
        """;
}

using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;

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
    private static string ApplyItems(StatementParameters<PostbackStatementInput> p, string incoming, ItemDirections directions)
    {
        var now = p["now"];
        var payoutAtGateway = PayoutTransitions.Moves.SqlFrom(PayoutMove.Pay);
        var deposits = directions.HasFlag(ItemDirections.Ingoing);
        var withdrawals = directions.HasFlag(ItemDirections.Outgoing);
        return $"""
        WITH incoming AS (
            {incoming}
        ),
        {(withdrawals ? PayoutsNamed : "")}
        matched AS (
            SELECT i.*, {(deposits ? DepositMatch : NoDepositMatch)}, {(withdrawals ? PayoutMatch(p) : NoPayoutMatch)}
            FROM incoming i
            {(deposits ? DepositJoins : "")}
            {(withdrawals ? PayoutJoin : "")}
        ),
        judged AS (
            -- Why an item cannot apply, if it cannot.
            {(withdrawals ? JudgedWithdrawals(payoutAtGateway, deposits) : JudgedDeposits)}
        ),
        inserted AS (
            INSERT INTO gateway_transactions (postback_id, proof_id, deposit_id, payout_id, applied, unapplied_reason, amount_mismatch,
                stored_at, {SignedItemColumns.StoredNames})
            SELECT {p["postback_id"]}, j.proof_id, j.deposit_id, j.payout_id, j.reason IS NULL, j.reason,
                (j.proof_id IS NOT NULL AND j.amount IS DISTINCT FROM j.proof_amount)
                    OR (j.window_amount IS NOT NULL AND j.amount IS DISTINCT FROM j.window_amount)
                    OR (j.payout_id IS NOT NULL AND j.amount IS DISTINCT FROM j.payout_amount),
                {now}, {SignedItemColumns.StoredValues("j")}
            FROM judged j
            -- No target: the fact key is the one unique key besides the primary key.
            ON CONFLICT DO NOTHING
            RETURNING id, deposit_id, proof_id, payout_id, amount, applied, unapplied_reason
        ),
        {(deposits ? DepositEffects(now) : NoDepositEffects)}
        {(withdrawals ? PayoutReports(now) : NoPayoutReports)},
        label_mismatch AS (
            -- The top-level label is unsigned; the deposit a signed transaction names (through its
            -- proof, or itself for a window deposit) says whose it is. Checked for repeated transactions too.
            SELECT jsonb_agg(DISTINCT jsonb_build_object('field', 'label', 'unsigned', {p["label"]}::text, 'signed', m.deposit_label)) AS found
            FROM matched m
            WHERE {p["label"]}::text IS NOT NULL AND m.deposit_label <> {p["label"]}::text
        )
        """;
    }

    // A property, not a field: the statements of the other partial files are built from it, and static
    // fields of partial files are initialized in an order C# does not promise.
    private static string PayoutSettled => SnakeCaseEnumConverter<PayoutStatus>.SqlList(
        [PayoutTransitions.Moves.To(PayoutMove.Pay), PayoutTransitions.Moves.To(PayoutMove.Cancel)]);

    /// <summary>
    /// Why a deposit's item cannot apply: no proof or window deposit matched it, or its currency is not
    /// the deposit's. The statements built for deposits alone judge nothing else, so their plan carries
    /// none of the withdrawal checks below (each of which PostgreSQL would start on every execution).
    /// </summary>
    private const string JudgedDeposits = $"""
        SELECT m.*, COALESCE(m.item_reason, CASE
                {DepositReasons}
            END) AS reason
            FROM matched m
        """;

    private const string DepositReasons = $"""
        WHEN m.deposit_id IS NULL THEN '{UnappliedReasons.NoMatchingProof}'
                WHEN upper(m.currency_code) IS DISTINCT FROM upper(m.deposit_currency) THEN '{UnappliedReasons.CurrencyMismatch}'
        """;

    /// <summary>
    /// Why an item of a postback with withdrawals cannot apply. A withdrawal status is judged against the
    /// payout's status before it: the row's own, unless a final status earlier in this same postback
    /// (arrival order) settles it first. Reports for a settled payout change nothing: the same outcome
    /// again (or an interim status arriving late) is noted, a contradicting final one is a conflict for
    /// ops and the ledger; the payout never moves back. Deposit items beside them are judged as in
    /// <see cref="JudgedDeposits"/>.
    /// </summary>
    private static string JudgedWithdrawals(string payoutAtGateway, bool deposits) => $"""
        SELECT m.*, COALESCE(m.item_reason, CASE
                WHEN m.direction = 'outgoing' AND m.payout_id IS NULL THEN '{UnappliedReasons.NoMatchingPayout}'
                WHEN m.direction = 'outgoing' AND m.payout_status NOT IN ({payoutAtGateway}, {PayoutSettled})
                    THEN '{UnappliedReasons.PayoutNotSettleable}'
                WHEN m.direction = 'outgoing' AND upper(m.currency_code) IS DISTINCT FROM upper(m.payout_currency) THEN '{UnappliedReasons.CurrencyMismatch}'
                WHEN m.direction = 'outgoing' AND b.status IN ({PayoutSettled}) AND m.settles_to <> b.status THEN '{UnappliedReasons.StatusConflict}'
                WHEN m.direction = 'outgoing' AND b.status IN ({PayoutSettled}) THEN '{UnappliedReasons.PayoutAlreadySettled}'
                WHEN m.direction = 'outgoing' THEN NULL
                {(deposits ? DepositReasons : "")}
            END) AS reason
            FROM matched m
            CROSS JOIN LATERAL (SELECT COALESCE(
                (SELECT e.settles_to FROM matched e
                 WHERE m.direction = 'outgoing' AND m.payout_status IN ({payoutAtGateway})
                   AND e.payout_id = m.payout_id AND e.ord < m.ord AND e.settles_to IS NOT NULL AND e.item_reason IS NULL
                 ORDER BY e.ord LIMIT 1),
                m.payout_status) AS status) b
        """;

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

using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Reconciliation;

/// <summary>What each row of the report's statement counts (also the CSV's <c>measure</c> column).</summary>
public static class ReconciliationMeasures
{
    public const string DepositsConfirmed = "deposits_confirmed";
    public const string DepositsAmountDiffersAsked = "deposits_amount_differs_asked";
    public const string DepositsAmountDiffersPaid = "deposits_amount_differs_paid";
    public const string PayoutsPaid = "payouts_paid";
    public const string PayoutsCancelled = "payouts_cancelled";
    public const string PayoutsRefused = "payouts_refused";
    public const string PayoutsPending = "payouts_pending";
    public const string Unapplied = "unapplied";
    public const string EventsUndelivered = "events_undelivered";
}

/// <summary>
/// The report in one read-only statement: every measure as rows of (measure, day, currency, detail,
/// count, total). A read that aggregates by local day is not an entity read, so it is named SQL like
/// the writes (ADR 0001) rather than LINQ, which cannot bucket by a list of day boundaries.
/// </summary>
/// <remarks>
/// Parameters: <c>@starts</c> the day boundaries (n + 1 instants: each day's start, then the end of the
/// last), <c>@from</c>/<c>@to</c> the first and last of them, <c>@paid</c>/<c>@cancelled</c> the
/// configured final withdrawal statuses. <c>width_bucket</c> turns an instant into its day's number
/// (1 … n), so the zone's rules (offsets, a clock change) are applied once, in .NET, by the same code
/// that reads the gateway's times. Every table is entered through an index on the time it is
/// bucketed by: signed items through <c>ix_gateway_transactions_reported_at</c> (the expression
/// below), payouts and events through their (status, created_at) indexes, deposits by primary key.
/// </remarks>
internal static class ReconciliationStatements
{
    /// <summary>
    /// When a signed item happened, for the report: its signed activation time, as the gateway's
    /// personal account lists it, or when we stored it if it carried none we could read. Written
    /// exactly as the index expression (migration ReconciliationReportedAt), or the index is not used.
    /// </summary>
    public const string ReportedAt = "COALESCE(t.activated_at, t.stored_at)";

    private static readonly string Ingoing = SnakeCaseEnumConverter<TransactionDirection>.SqlLiteral(TransactionDirection.Ingoing);
    private static readonly string Outgoing = SnakeCaseEnumConverter<TransactionDirection>.SqlLiteral(TransactionDirection.Outgoing);

    private static readonly string Paid = PayoutTransitions.Moves.SqlTo(PayoutMove.Pay);
    private static readonly string Cancelled = PayoutTransitions.Moves.SqlTo(PayoutMove.Cancel);
    private static readonly string Refused = PayoutTransitions.Moves.SqlTo(PayoutMove.Refuse);

    /// <summary>Every payout status some move still leaves (not paid, cancelled or rejected): money asked for and not settled.</summary>
    private static readonly string Unsettled = SnakeCaseEnumConverter<PayoutStatus>.SqlList(
        PayoutTransitions.Moves.All.Values.SelectMany(move => move.From).Distinct());

    /// <summary>Every event status but the one a 2xx from the ledger leads to.</summary>
    private static readonly string Undelivered = SnakeCaseEnumConverter<EventStatus>.SqlList(
        Enum.GetValues<EventStatus>().Except([EventTransitions.Moves.To(EventMove.Deliver)]));

    public static readonly string Report = $"""
        WITH facts AS MATERIALIZED (
            SELECT width_bucket({ReportedAt}, @starts) AS day, t.id, t.direction, t.applied, t.unapplied_reason,
                upper(t.currency_code) AS currency, t.amount, t.deposit_id, t.payout_id, t.withdrawal_status
            FROM gateway_transactions t
            WHERE {ReportedAt} >= @from AND {ReportedAt} < @to
        ),
        settling AS (
            -- A withdrawal is reported more than once (interim statuses, then a final one; ADR 0014), so a
            -- payout is counted once, by the one applied final status that settled it: the first final
            -- status applies, any later one is stored unapplied (already settled, or a conflict).
            SELECT DISTINCT ON (f.payout_id) f.day, f.currency, f.amount, p.status = {Paid} AS paid
            FROM facts f
            JOIN payouts p ON p.id = f.payout_id
            WHERE f.direction = {Outgoing} AND f.applied
              AND ((p.status = {Paid} AND f.withdrawal_status = ANY (@paid))
                OR (p.status = {Cancelled} AND f.withdrawal_status = ANY (@cancelled)))
            ORDER BY f.payout_id, f.day, f.id
        ),
        differs AS (
            -- A deposit belongs to the day of its first signed transaction (the one that confirmed it),
            -- and is compared with all of them: a second transfer on a later day changes its total, not its day.
            SELECT width_bucket(first.reported_at, @starts) AS day, upper(d.currency) AS currency,
                d.amount AS asked, d.confirmed_amount AS paid
            FROM (SELECT DISTINCT deposit_id FROM facts WHERE direction = {Ingoing} AND applied) confirmed
            JOIN deposits d ON d.id = confirmed.deposit_id
            CROSS JOIN LATERAL (
                SELECT min({ReportedAt}) AS reported_at FROM gateway_transactions t
                WHERE t.deposit_id = d.id AND t.direction = {Ingoing} AND t.applied) first
            WHERE d.amount IS NOT NULL AND d.confirmed_amount IS DISTINCT FROM d.amount AND first.reported_at >= @from
        )
        SELECT '{ReconciliationMeasures.DepositsConfirmed}', day, currency, NULL, count(*), sum(amount)
        FROM facts WHERE direction = {Ingoing} AND applied GROUP BY day, currency
        UNION ALL
        SELECT '{ReconciliationMeasures.DepositsAmountDiffersAsked}', day, currency, NULL, count(*), sum(asked)
        FROM differs GROUP BY day, currency
        UNION ALL
        SELECT '{ReconciliationMeasures.DepositsAmountDiffersPaid}', day, currency, NULL, count(*), sum(paid)
        FROM differs GROUP BY day, currency
        UNION ALL
        SELECT CASE WHEN paid THEN '{ReconciliationMeasures.PayoutsPaid}' ELSE '{ReconciliationMeasures.PayoutsCancelled}' END,
            day, currency, NULL, count(*), sum(amount)
        FROM settling GROUP BY paid, day, currency
        UNION ALL
        SELECT '{ReconciliationMeasures.Unapplied}', day, currency, unapplied_reason, count(*), COALESCE(sum(amount), 0)
        FROM facts WHERE unapplied_reason IS NOT NULL GROUP BY day, currency, unapplied_reason
        UNION ALL
        -- Our own rows, by the day they were asked for; as of now, not as of that day.
        SELECT CASE WHEN status = {Refused} THEN '{ReconciliationMeasures.PayoutsRefused}' ELSE '{ReconciliationMeasures.PayoutsPending}' END,
            width_bucket(created_at, @starts), upper(currency), NULL, count(*), sum(amount)
        FROM payouts
        WHERE status IN ({Unsettled}) AND created_at >= @from AND created_at < @to
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT '{ReconciliationMeasures.EventsUndelivered}', width_bucket(created_at, @starts), NULL, type, count(*), 0
        FROM outbox_events
        WHERE status IN ({Undelivered}) AND created_at >= @from AND created_at < @to
        GROUP BY 2, 4
        """;
}

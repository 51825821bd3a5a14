namespace Paykassma.Merchant.Api.Reconciliation;

/// <summary>
/// What moved, per calendar day of <c>Ops:ReportTimeZone</c> and per currency, to put beside the
/// gateway's personal account. The totals under <c>signed</c> come from the gateway's signed
/// transactions only; those under <c>notSigned</c> are our own payout rows, which no signed fact has
/// settled yet.
/// </summary>
/// <param name="From">The first day reported (inclusive).</param>
/// <param name="To">The last day reported (inclusive).</param>
/// <param name="TimeZone">The zone whose days these are (<c>Ops:ReportTimeZone</c>).</param>
/// <param name="GeneratedAt">When the report was read: the not-signed payout counts are as of this instant.</param>
/// <param name="Days">Every day from <c>from</c> to <c>to</c>, in order, also the days on which nothing moved.</param>
public sealed record ReconciliationReport(
    DateOnly From,
    DateOnly To,
    string TimeZone,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<ReconciliationDay> Days);

/// <param name="Date">The day, in the report's zone.</param>
/// <param name="StartsAt">Its first instant (local midnight), in UTC.</param>
/// <param name="EndsAt">The first instant of the next day, in UTC (excluded).</param>
/// <param name="Currencies">One entry per currency: the configured ones always (with zeros), and any other that moved in the range.</param>
/// <param name="Unapplied">Signed items that credited or settled nothing (by reason and signed currency; no currency when the item carried none).</param>
/// <param name="UndeliveredEvents">Money events written this day that the ledger has not acknowledged (pending, being delivered, or failed).</param>
public sealed record ReconciliationDay(
    DateOnly Date,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    IReadOnlyList<ReconciliationCurrencyDay> Currencies,
    IReadOnlyList<UnappliedItems> Unapplied,
    IReadOnlyList<UndeliveredEvents> UndeliveredEvents);

/// <param name="Currency">The ISO code, upper case.</param>
/// <param name="Signed">Totals of the gateway's signed transactions, day by their activation time.</param>
/// <param name="DepositsAmountDiffers">Deposits first confirmed this day whose confirmed (signed) total differs from the amount the user asked to pay.</param>
/// <param name="NotSigned">Our own payout rows created this day that no signed fact has settled: not money the gateway reported.</param>
public sealed record ReconciliationCurrencyDay(
    string Currency,
    SignedTotals Signed,
    DepositsAmountDiffers DepositsAmountDiffers,
    NotSignedTotals NotSigned);

/// <param name="DepositsConfirmed">Signed incoming transactions applied to deposits (a deposit paid in two transfers counts twice, as the gateway lists two).</param>
/// <param name="PayoutsPaid">Payouts settled as paid, each once, by the signed status that settled it.</param>
/// <param name="PayoutsCancelled">Payouts settled as cancelled, each once, by the signed status that settled it.</param>
public sealed record SignedTotals(CountAndTotal DepositsConfirmed, CountAndTotal PayoutsPaid, CountAndTotal PayoutsCancelled);

/// <param name="Count">How many deposits.</param>
/// <param name="AskedTotal">What their users asked to pay (our rows: the amount given when the deposit was started).</param>
/// <param name="PaidTotal">What the gateway signed for them (their confirmed amounts, every signed transaction so far).</param>
public sealed record DepositsAmountDiffers(long Count, decimal AskedTotal, decimal PaidTotal);

/// <param name="PayoutsRefused">Payouts the gateway refused (status <c>refused</c>): never paid unless ops retry them.</param>
/// <param name="PayoutsPending">Payouts not settled yet and not refused (awaiting approval, approved, sending, sent, queued, failed).</param>
public sealed record NotSignedTotals(CountAndTotal PayoutsRefused, CountAndTotal PayoutsPending);

/// <param name="Count">How many.</param>
/// <param name="Total">Their amounts added up.</param>
public sealed record CountAndTotal(long Count, decimal Total)
{
    public static CountAndTotal Zero { get; } = new(0, 0);
}

/// <param name="Reason">The stored <c>unappliedReason</c> (as <c>GET /api/ops/transactions</c> shows it).</param>
/// <param name="Currency">The signed currency, upper case; null when the item carried none.</param>
/// <param name="Count">How many signed items.</param>
/// <param name="Total">Their signed amounts that could be read, added up.</param>
public sealed record UnappliedItems(string Reason, string? Currency, long Count, decimal Total);

/// <param name="Type">The event type (<c>payout.paid</c>, …).</param>
/// <param name="Count">How many events of it.</param>
public sealed record UndeliveredEvents(string Type, long Count);

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Paykassma.Merchant.Api.Observability;

/// <summary>
/// The service's own instruments. Tag values come from fixed sets (outcomes, reason codes,
/// statuses), never from request data, so nothing a client sends can reach a metric label.
/// </summary>
public sealed class MerchantMetrics
{
    public const string MeterName = "Paykassma.Merchant";

    private readonly Counter<long> _postbacks;
    private readonly Counter<long> _proofDeliveries;
    private readonly Histogram<double> _postbackDuration;
    private readonly Counter<long> _rejectedNotRecorded;
    private readonly Histogram<int> _postbackBatchSize;
    private readonly Counter<long> _depositsCredited;
    private readonly Counter<long> _unappliedItems;
    private readonly Counter<long> _payouts;
    private readonly Counter<long> _payoutConflicts;
    private readonly Counter<long> _payoutSignatureRefused;
    private readonly Counter<long> _eventDeliveries;
    private readonly Counter<long> _streamsRefused;

    public MerchantMetrics(IMeterFactory meters, IEnumerable<IGaugeSource> gauges, LiveStatus.LiveStatusFeed streams)
    {
        var meter = meters.Create(MeterName);
        _postbacks = meter.CreateCounter<long>("paykassma.postbacks.received", description:
            "Postbacks received, by outcome (accepted, duplicate, rejected, held), reason and the key that verified them; "
            + "held ones are verified postbacks the database could not apply: a person must look");
        _unappliedItems = meter.CreateCounter<long>("paykassma.postbacks.items_unapplied", description:
            "New signed items that credit nothing, by reason (no_matching_proof, amount_unreadable, currency_mismatch, …): listed for ops at /api/ops/transactions?unapplied=true");
        _postbackDuration = meter.CreateHistogram("paykassma.postback.duration", unit: "s",
            description: "Time to judge and store a postback (the gateway waits for it)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _postbackBatchSize = meter.CreateHistogram<int>("paykassma.postbacks.batch_size", unit: "{postback}",
            description: "Postbacks stored by one group commit (one transaction, one WAL flush); mostly 1 means group commit is not grouping",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
        _rejectedNotRecorded = meter.CreateCounter<long>("paykassma.postbacks.rejected_not_recorded", description:
            "Rejected postbacks answered but not written, because their source or all sources together exceeded the rejected-bytes budget (a junk flood)");
        _depositsCredited = meter.CreateCounter<long>("paykassma.deposits.credited", description:
            "Deposits credited with signed money by a postback (one paid in two transactions counts twice); the open ones are the paykassma.deposits gauge");
        _proofDeliveries = meter.CreateCounter<long>("paykassma.proofs.deliveries", description:
            "Proof delivery attempts by result (forwarded, rejected, queued, failed)");
        _payouts = meter.CreateCounter<long>("paykassma.payouts", description:
            "Payouts reaching each status (awaiting_approval, sending, approved, sent, queued, refused, failed, rejected, paid, cancelled)");
        _payoutConflicts = meter.CreateCounter<long>("paykassma.payouts.status_conflicts", description:
            "Final withdrawal statuses the gateway signed that contradict a payout's settlement (a person must look)");
        _payoutSignatureRefused = meter.CreateCounter<long>("paykassma.payouts.signature_refused", description:
            "Payout attempts the gateway refused with \"Withdrawal signature is invalid\": the inferred signature or its key is wrong, and no payout will pass");
        _eventDeliveries = meter.CreateCounter<long>("paykassma.events.deliveries", description:
            "Webhook delivery attempts of money events by result (delivered, pending: will be retried, failed: gave up, ops must redeliver)");
        // The database-wide gauges, each defined by its capability (sampled by QueueSnapshot).
        foreach (var gauge in gauges)
        {
            gauge.Register(meter);
        }
        meter.CreateObservableGauge("paykassma.deposits.streams.open", () => streams.OpenStreams,
            description: "Live deposit status streams open on this instance (capped by Deposits:LiveStatus:MaxStreams)");
        _streamsRefused = meter.CreateCounter<long>("paykassma.deposits.streams.refused", description:
            "Live status streams refused, by reason: user_limit (429, Deposits:LiveStatus:MaxStreamsPerUser), at_capacity (503, Deposits:LiveStatus:MaxStreams)");
    }

    /// <param name="key">Which private key verified it (current, previous) or none: shows when a rotation is over.</param>
    public void PostbackReceived(string outcome, string? reason, string? key, TimeSpan elapsed)
    {
        var tags = new TagList { { "outcome", outcome }, { "reason", reason ?? "none" }, { "key", key ?? "none" } };
        _postbacks.Add(1, tags);
        _postbackDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void RejectedPostbackNotRecorded() => _rejectedNotRecorded.Add(1);

    public void PostbackBatchCommitted(int postbacks) => _postbackBatchSize.Record(postbacks);

    /// <param name="reason">A code from <see cref="Postbacks.UnappliedReasons"/> (a fixed set, chosen by our SQL).</param>
    public void PostbackItemUnapplied(string reason) => _unappliedItems.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void DepositsCredited(int deposits)
    {
        if (deposits > 0)
        {
            _depositsCredited.Add(deposits);
        }
    }

    /// <param name="status">A payout status (a fixed set).</param>
    public void PayoutReached(string status) => _payouts.Add(1, new KeyValuePair<string, object?>("status", status));

    public void PayoutSignatureRefused() => _payoutSignatureRefused.Add(1);

    /// <param name="result">An event status (a fixed set).</param>
    public void EventDelivery(string result) => _eventDeliveries.Add(1, new KeyValuePair<string, object?>("result", result));

    public void PayoutsSettled(int paid, int cancelled, int conflicts)
    {
        if (conflicts > 0)
        {
            _payoutConflicts.Add(conflicts);
        }
        if (paid > 0)
        {
            _payouts.Add(paid, new KeyValuePair<string, object?>("status", "paid"));
        }
        if (cancelled > 0)
        {
            _payouts.Add(cancelled, new KeyValuePair<string, object?>("status", "cancelled"));
        }
    }

    /// <param name="reason">user_limit or at_capacity (a fixed set).</param>
    public void StreamRefused(string reason) => _streamsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ProofDelivery(string result) => _proofDeliveries.Add(1, new KeyValuePair<string, object?>("result", result));
}


namespace Paykassma.Merchant.Api.Events;

/// <summary>
/// A change that matters to money, written in the same transaction as the change (the outbox) and
/// delivered to the merchant's ledger as a signed webhook, at least once.
/// </summary>
public sealed class OutboxEvent
{
    /// <summary>Also the webhook-id: stable across every delivery attempt, so the receiver can dedupe.</summary>
    public Guid Id { get; init; }

    /// <summary>One of <see cref="EventTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The deposit, payout or proof the event is about.</summary>
    public Guid SubjectId { get; init; }

    /// <summary>What makes two emissions the same event (unique): a repeated change emits nothing new.</summary>
    public required string DedupeKey { get; init; }

    /// <summary>The webhook's <c>data</c> object (jsonb), built by the statement that made the change.</summary>
    public required string Data { get; init; }

    public EventStatus Status { get; set; }

    /// <summary>Delivery attempts started; fences a slow attempt out of a newer one's result.</summary>
    public int Attempts { get; set; }

    /// <summary>When a dispatcher may (re)try it: the retry time when pending, the lease end while delivering.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Why the last attempt failed: <c>http_500</c>, <c>http_302</c>, <c>timeout</c>, <c>unreachable</c>.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>When its delivery was last given up (status failed); a redelivery that fails again writes a new time.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>
    /// The <c>since</c> of the attention list entry a person marked seen on this row (an ops annotation,
    /// not part of the record): hidden while the entry's since is still this (ADR 0016).
    /// </summary>
    public DateTimeOffset? AttentionSeenSince { get; set; }
}

public enum EventStatus
{
    /// <summary>Written; waiting for (another) delivery attempt.</summary>
    Pending,

    /// <summary>An attempt is in flight (or died with its process: the lease tells).</summary>
    Delivering,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>No 2xx after Events:Dispatcher:MaxAttempts: visible to ops, who may redeliver it.</summary>
    Failed,
}

/// <summary>The event types, as the ledger receives them in <c>type</c>. Stable: the ledger switches on them.</summary>
public sealed class EventTypes : Hosting.IChoiceSet
{
    private EventTypes()
    {
    }

    public const string DepositConfirmed = "deposit.confirmed";
    public const string DepositAmountMismatch = "deposit.amount_mismatch";
    public const string DepositExpired = "deposit.expired";
    public const string ProofRejected = "proof.rejected";
    public const string PayoutSent = "payout.sent";
    public const string PayoutPaid = "payout.paid";
    public const string PayoutCancelled = "payout.cancelled";
    public const string PayoutRefused = "payout.refused";
    public const string PayoutFailed = "payout.failed";
    public const string PayoutRejected = "payout.rejected";

    /// <summary>The gateway signed a final status that contradicts the payout's settlement (paid, then cancelled).</summary>
    public const string PayoutStatusConflict = "payout.status_conflict";

    public static IReadOnlyList<string> All { get; } =
    [
        DepositConfirmed, DepositAmountMismatch, DepositExpired, ProofRejected,
        PayoutSent, PayoutPaid, PayoutCancelled, PayoutRefused, PayoutFailed, PayoutRejected, PayoutStatusConflict,
    ];
}

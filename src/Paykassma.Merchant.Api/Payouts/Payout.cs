namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// Money out to a user: committed before the gateway is called, sent under one withdrawal_id for
/// its whole life, and settled by the gateway's signed outgoing postback (<see cref="PayoutTransitions"/>).
/// </summary>
public sealed class Payout
{
    public Guid Id { get; init; }

    /// <summary>Ours (<c>po_</c> + 32 hex digits, 35 characters): every attempt and ops retry sends this one.</summary>
    public required string WithdrawalId { get; init; }

    /// <summary>The user being paid (the gateway's label, at most 36 characters on this endpoint).</summary>
    public required string Label { get; init; }

    /// <summary>Whole units of <see cref="Currency"/>.</summary>
    public int Amount { get; init; }

    public required string Currency { get; init; }

    public required string PaymentSystem { get; init; }

    public bool IsTest { get; init; }

    public required string AccountNumber { get; init; }

    public required string AccountName { get; init; }

    /// <summary>Method-specific fields as a JSON object of strings, or null.</summary>
    public string? BankDetails { get; init; }

    public PayoutStatus Status { get; set; }

    /// <summary>The token subject of the back office that asked for it; never its approver.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>The creator's own reference for this payout (the Idempotency-Key).</summary>
    public required string IdempotencyKey { get; init; }

    public required string RequestHash { get; init; }

    /// <summary>Attempts started so far; also fences a slow attempt out of a newer one's result.</summary>
    public int Attempts { get; set; }

    /// <summary>Attempts after which it is given up as <c>failed</c>; an ops retry extends it.</summary>
    public int AttemptLimit { get; set; }

    /// <summary>True once an attempt ended without us knowing whether the gateway received it.</summary>
    public bool OutcomeUncertain { get; set; }

    /// <summary>When the dispatcher may (re)try it: the retry time when queued or approved, the lease end while sending.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The gateway's last message (a refusal, readable), as it said it.</summary>
    public string? GatewayMessage { get; set; }

    /// <summary>
    /// The last <c>withdrawal_status</c> the gateway signed for it while it was at the gateway: an
    /// interim one (pending, in processing) or the final one that settled it.
    /// </summary>
    public int? WithdrawalStatus { get; set; }

    /// <summary>When the gateway last reported a status for it (signed postback).</summary>
    public DateTimeOffset? ReportedAt { get; set; }

    /// <summary>The gateway signed a final status that contradicts its settlement (paid, then cancelled): a person must look.</summary>
    public bool StatusConflict { get; set; }

    /// <summary>The first contradicting withdrawal_status the gateway signed after the settlement.</summary>
    public int? ConflictingStatus { get; set; }

    /// <summary>The amount the signed postback carried.</summary>
    public decimal? SettledAmount { get; set; }

    /// <summary>The signed amount differs from ours: a person must look.</summary>
    public bool AmountMismatch { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>
    /// When a watch first found it still <c>sent</c> past <c>Payouts:SettlementDeadline</c> (logged once then);
    /// kept after it settles, as the record that it was late.
    /// </summary>
    public DateTimeOffset? StaleSince { get; set; }

    public DateTimeOffset? SettledAt { get; set; }

    /// <summary>
    /// The <c>since</c> of the attention list entry a person marked seen on this row (an ops annotation,
    /// not part of the record): hidden while the entry's since is still this (ADR 0016).
    /// </summary>
    public DateTimeOffset? AttentionSeenSince { get; set; }
}

public enum PayoutStatus
{
    /// <summary>Above the approval threshold: waits for an ops user other than its creator.</summary>
    AwaitingApproval,

    /// <summary>Approved; the dispatcher sends it.</summary>
    Approved,

    /// <summary>An attempt is in flight (or died with its process: the lease tells).</summary>
    Sending,

    /// <summary>The gateway said ok; the signed postback will settle it.</summary>
    Sent,

    /// <summary>No answer; retried with the same withdrawal_id after a back-off.</summary>
    Queued,

    /// <summary>The gateway said fail (its message kept); ops may retry.</summary>
    Refused,

    /// <summary>No answer after the attempt limit; ops may retry.</summary>
    Failed,

    /// <summary>Turned down by ops: never sent.</summary>
    Rejected,

    /// <summary>The signed postback says the user was paid.</summary>
    Paid,

    /// <summary>The signed postback says the gateway cancelled it.</summary>
    Cancelled,
}

/// <summary>One delivery attempt's outcome, as the gateway answered it.</summary>
public sealed class PayoutAttempt
{
    public Guid PayoutId { get; init; }

    public int Attempt { get; init; }

    /// <summary>The status the attempt left the payout in (sent, refused, queued, failed).</summary>
    public required string Outcome { get; init; }

    public string? GatewayMessage { get; init; }

    public string? Error { get; init; }

    public bool OutcomeUncertain { get; init; }

    public DateTimeOffset At { get; init; }
}

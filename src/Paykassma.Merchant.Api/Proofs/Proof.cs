namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// A user's payment proof. It is committed, screenshot included, before the gateway is called, so
/// a proof answered 202 is never lost; its status then records what the gateway did with it.
/// </summary>
public sealed class Proof
{
    public Guid Id { get; init; }

    public Guid DepositId { get; init; }

    /// <summary>The deposit owner's label, sent to the gateway with the proof.</summary>
    public required string Label { get; init; }

    /// <summary>Our unique id for this submission; the gateway's postback brings it back as plugin_custom_order_id.</summary>
    public required string CustomTransactionId { get; init; }

    /// <summary>The 12-digit transaction number from the user's bank app (the gateway's <c>key1</c>).</summary>
    public required string TransactionNumber { get; init; }

    public int Amount { get; init; }

    public ProofStatus Status { get; set; }

    /// <summary>The gateway's message: its refusal reason, or what it said on acceptance.</summary>
    public string? GatewayMessage { get; set; }

    /// <summary>Delivery attempts started so far; also fences a slow attempt out of a newer one's result.</summary>
    public int Attempts { get; set; }

    /// <summary>True once an attempt ended without us knowing whether the gateway received it.</summary>
    public bool OutcomeUncertain { get; set; }

    /// <summary>When the dispatcher may (re)try it: the retry time when queued, the lease end while submitting.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Attempts after which the proof is given up as <c>failed</c>; an ops retry extends it.</summary>
    public int AttemptLimit { get; set; }

    public string? IdempotencyKey { get; init; }

    /// <summary>Digest of number, amount and screenshot: the same key with another proof is a client bug.</summary>
    public required string RequestHash { get; init; }

    public required string ScreenshotFileName { get; init; }

    public required string ScreenshotContentType { get; init; }

    public long ScreenshotSize { get; init; }

    public required string ScreenshotSha256 { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ForwardedAt { get; set; }

    /// <summary>
    /// The <c>since</c> of the attention list entry a person marked seen on this row (an ops annotation,
    /// not part of the record): hidden while the entry's since is still this (ADR 0016).
    /// </summary>
    public DateTimeOffset? AttentionSeenSince { get; set; }
}

/// <summary>Where a proof is on its way to the gateway (snake_case in the API and the database).</summary>
public enum ProofStatus
{
    /// <summary>Stored; a delivery attempt is running (or its claimant died and the lease will lapse).</summary>
    Submitting,

    /// <summary>Stored; the gateway could not be reached, the dispatcher will deliver it.</summary>
    Queued,

    /// <summary>The gateway accepted it.</summary>
    Forwarded,

    /// <summary>The gateway refused it (see the message); the user may send another proof.</summary>
    Rejected,

    /// <summary>Undeliverable after the configured attempts; needs ops.</summary>
    Failed,
}

/// <summary>The screenshot's bytes, kept apart from the proof so that listing proofs never loads them.</summary>
public sealed class ProofScreenshot
{
    public Guid ProofId { get; init; }

    public required byte[] Data { get; init; }
}

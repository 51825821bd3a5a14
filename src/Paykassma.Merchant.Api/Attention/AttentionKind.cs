namespace Paykassma.Merchant.Api.Attention;

/// <summary>
/// What a person must act on, one value per way money gets stuck (snake_case in the API, the metric's
/// <c>kind</c> label and the mark's route). Each is one entry of <see cref="AttentionKinds.All"/>.
/// </summary>
public enum AttentionKind
{
    /// <summary>A deposit whose proof the gateway accepted, with no signed postback after Attention:ProofUnconfirmedAfter (expired ones too).</summary>
    ProofUnconfirmed,

    /// <summary>A proof still queued for the gateway after its first retry.</summary>
    ProofQueued,

    /// <summary>A proof given up after every attempt: never reached the gateway.</summary>
    ProofFailed,

    /// <summary>A payout waiting for a second ops user longer than Attention:ApprovalWaitingAfter.</summary>
    PayoutAwaitingApproval,

    /// <summary>A payout the gateway refused, not sent again.</summary>
    PayoutRefused,

    /// <summary>A payout with no answer after every attempt, not sent again.</summary>
    PayoutFailed,

    /// <summary>A payout sent, with no final status past Payouts:SettlementDeadline.</summary>
    PayoutStale,

    /// <summary>A settled payout the gateway then signed a contradicting final status for.</summary>
    PayoutStatusConflict,

    /// <summary>A verified postback the database refused to apply.</summary>
    PostbackHeld,

    /// <summary>A signed item stored with an unapplied reason that a person must settle.</summary>
    ItemUnapplied,

    /// <summary>A money event the ledger never took.</summary>
    EventFailed,

    /// <summary>A deposit confirmed for another total than the amount asked for.</summary>
    DepositAmountDiffers,
}

/// <summary>The attention list's thresholds (<c>Attention</c> section).</summary>
public sealed class AttentionOptions
{
    public const string SectionName = "Attention";

    /// <summary>A deposit whose proof was forwarded this long ago without a signed postback is listed.</summary>
    public TimeSpan ProofUnconfirmedAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A payout waiting for approval this long is listed.</summary>
    public TimeSpan ApprovalWaitingAfter { get; set; } = TimeSpan.FromHours(1);
}

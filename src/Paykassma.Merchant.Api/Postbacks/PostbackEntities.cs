namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>What became of one received postback.</summary>
public enum PostbackOutcome
{
    /// <summary>Verified and stored; at least one of its transactions was new (or it carried none).</summary>
    Accepted,

    /// <summary>Verified; every transaction in it was already stored (a redelivery). Answered ok, changed nothing.</summary>
    Duplicate,

    /// <summary>Not accepted (see the reason); kept for ops and for re-verification after a key fix.</summary>
    Rejected,

    /// <summary>
    /// Verified, but the database refused to apply it (a bug or an item shape nobody foresaw): its whole
    /// body is kept and answered ok, nothing is credited, ops are told and apply it again (reverify).
    /// </summary>
    Held,
}

public enum TransactionDirection
{
    Ingoing,
    Outgoing,
}

/// <summary>
/// One postback as it arrived: the raw body exactly as received (what was signed is derived from
/// it, never stored instead of it), how it was judged, and what the unsigned fields claimed.
/// </summary>
public sealed class PostbackRecord
{
    public Guid Id { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>
    /// The body's bytes as received: whole when accepted or held (the evidence); only its first bytes
    /// when rejected or a duplicate (see <see cref="BodyTruncated"/>, <see cref="BodyLength"/> and <see cref="BodySha256"/>).
    /// </summary>
    public required byte[] Body { get; init; }

    public int BodyLength { get; init; }

    public bool BodyTruncated { get; init; }

    public required string BodySha256 { get; init; }

    /// <summary>SHA-256 (hex) of the signed value as re-encoded for the signature; null when the body did not parse.</summary>
    public string? SignedSha256 { get; init; }

    public string? RemoteIp { get; init; }

    public PostbackOutcome Outcome { get; set; }

    /// <summary>A stable code: a parse reason (not_json, …), missing_signature, foreign_access_key, bad_signature, too_large; apply_failed when held.</summary>
    public string? RejectReason { get; set; }

    public string? RejectDetail { get; set; }

    /// <summary>Which private key verified it: current or previous (key rotation).</summary>
    public string? VerifiedWith { get; set; }

    public string? Format { get; init; }

    public string? Signature { get; init; }

    public string? AccessKey { get; init; }

    /// <summary>Unsigned top-level fields, kept to show what the body claimed; never used for money.</summary>
    public string? Direction { get; init; }

    public string? Amount { get; init; }

    public string? Label { get; init; }

    /// <summary>Unsigned fields that disagree with the signed data (jsonb list of {field, unsigned, signed}).</summary>
    public string? Discrepancies { get; set; }

    /// <summary>The gateway ids of the transactions it carries (signed ones; claimed ones when rejected), for search.</summary>
    public string[] TransactionIds { get; init; } = [];

    public int TransactionCount { get; set; }

    public int NewTransactionCount { get; set; }

    public DateTimeOffset? ReverifiedAt { get; set; }

    /// <summary>
    /// The <c>since</c> of the attention list entry a person marked seen on this row (an ops annotation,
    /// not part of the record): hidden while the entry's since is still this (ADR 0016).
    /// </summary>
    public DateTimeOffset? AttentionSeenSince { get; set; }
}

/// <summary>
/// Replays of a stored postback: the same signed content delivered again adds no row, only counts
/// here (one small row per original), with what the last replay's unsigned fields claimed.
/// </summary>
public sealed class PostbackRepeat
{
    /// <summary>The stored postback that was delivered again.</summary>
    public Guid PostbackId { get; init; }

    public int Repeats { get; init; }

    public DateTimeOffset FirstRepeatedAt { get; init; }

    public DateTimeOffset LastRepeatedAt { get; init; }

    public string? LastRemoteIp { get; init; }

    /// <summary>How many replays carried unsigned fields that disagree with the signed data.</summary>
    public int DiscrepantRepeats { get; init; }

    /// <summary>The last such replay's discrepancies (jsonb list of {field, unsigned, signed}).</summary>
    public string? LastDiscrepancies { get; init; }
}

/// <summary>
/// A fact the gateway signed (a deposit's transaction, one status of a withdrawal), stored once per
/// <see cref="FactKey"/> however often it is delivered (ADR 0014). Every value here comes from the signed data.
/// </summary>
public sealed class GatewayTransaction
{
    public Guid Id { get; init; }

    /// <summary>The postback that first brought it.</summary>
    public Guid PostbackId { get; init; }

    public TransactionDirection Direction { get; init; }

    /// <summary>What identifies the fact (unique): see <see cref="SignedFacts"/>.</summary>
    public required string FactKey { get; init; }

    /// <summary>Null for an item that carries none.</summary>
    public string? TransactionId { get; init; }

    /// <summary>SHA-256 (hex) of the signed item, for an item that neither an id nor a withdrawal status identifies.</summary>
    public string? ItemSha256 { get; init; }

    public decimal? Amount { get; init; }

    public string? AmountText { get; init; }

    public string? CurrencyCode { get; init; }

    public string? WalletType { get; init; }

    /// <summary>plugin_custom_order_id (legacy: custom_id): our proof's custom_transaction_id.</summary>
    public string? CustomOrderId { get; init; }

    public Guid? ProofId { get; init; }

    public Guid? DepositId { get; init; }

    /// <summary>The payout an outgoing item names by its signed withdrawal_id.</summary>
    public Guid? PayoutId { get; init; }

    /// <summary>
    /// True when it did what it says: confirmed its deposit (matched, positive amount, the deposit's
    /// currency), settled its payout, or reported an interim status of a payout still at the gateway.
    /// </summary>
    public bool Applied { get; init; }

    /// <summary>Why it credited nothing (a code from <see cref="UnappliedReasons"/>); null when applied.</summary>
    public string? UnappliedReason { get; init; }

    /// <summary>The signed amount differs from the amount the user claimed in the proof.</summary>
    public bool AmountMismatch { get; init; }

    public DateTimeOffset? ActivatedAt { get; init; }

    /// <summary>The signed activated_datetime when it names no representable instant (ActivatedAt is then null).</summary>
    public string? ActivatedText { get; init; }

    public DateTimeOffset? GatewayCreatedAt { get; init; }

    /// <summary>The signed created_datetime when it names no representable instant.</summary>
    public string? GatewayCreatedText { get; init; }

    public int? TransactionType { get; init; }

    public string? WithdrawalId { get; init; }

    public int? WithdrawalStatus { get; init; }

    public string? AccountNumber { get; init; }

    /// <summary>The signed item exactly as the gateway signed it (json: kept verbatim).</summary>
    public required string Item { get; init; }

    public DateTimeOffset StoredAt { get; init; }

    /// <summary>
    /// The <c>since</c> of the attention list entry a person marked seen on this row (an ops annotation,
    /// never a change to the signed data): hidden while the entry's since is still this (ADR 0016).
    /// </summary>
    public DateTimeOffset? AttentionSeenSince { get; set; }
}

/// <summary>Why a signed item credited nothing. The values are stable: they are stored, listed for ops and counted.</summary>
public sealed class UnappliedReasons : Hosting.IChoiceSet
{
    private UnappliedReasons()
    {
    }

    public const string NotAnObject = "not_an_object";
    public const string NoTransactionId = "no_transaction_id";
    public const string AmountUnreadable = "amount_unreadable";
    public const string AmountNotPositive = "amount_not_positive";
    public const string AmountTooLarge = "amount_too_large";
    public const string NoCurrency = "no_currency";
    public const string NoMatchingProof = "no_matching_proof";
    public const string NoMatchingPayout = "no_matching_payout";
    public const string CurrencyMismatch = "currency_mismatch";

    /// <summary>An outgoing item whose withdrawal_status is in neither Payouts:PaidStatuses nor CancelledStatuses.</summary>
    public const string UnknownWithdrawalStatus = "unknown_withdrawal_status";

    /// <summary>An outgoing item for a payout that was never sent (awaiting approval, approved, rejected): it changes nothing.</summary>
    public const string PayoutNotSettleable = "payout_not_settleable";

    /// <summary>A status for a payout already settled that agrees with it (an interim one arriving late, the same outcome again).</summary>
    public const string PayoutAlreadySettled = "payout_already_settled";

    /// <summary>A final status that contradicts the payout's settlement (paid, then cancelled): the payout is flagged, never moved back.</summary>
    public const string StatusConflict = "status_conflict";

    public static IReadOnlyList<string> All { get; } =
    [
        NotAnObject, NoTransactionId, AmountUnreadable, AmountNotPositive, AmountTooLarge, NoCurrency,
        NoMatchingProof, NoMatchingPayout, CurrencyMismatch, UnknownWithdrawalStatus, PayoutNotSettleable,
        PayoutAlreadySettled, StatusConflict,
    ];
}

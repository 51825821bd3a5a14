namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// One item of a postback's signed list. Every value here is covered by the signature once the
/// postback has verified. Values missing or of an unexpected JSON type are null, left for the caller
/// to judge: a genuine item is never refused here, however odd (it is stored and flagged).
/// </summary>
public sealed record SignedTransaction
{
    /// <summary>False when the item is not a JSON object (then only <see cref="Json"/> is set).</summary>
    public required bool IsObject { get; init; }

    /// <summary>The gateway's id: a JSON string, or a number's raw text; null when missing, empty or of another type.</summary>
    public string? TransactionId { get; init; }

    /// <summary><c>amount</c> as sent: the string's value or the number's raw text (e.g. <c>"300"</c>, <c>300.5</c>).</summary>
    public string? AmountText { get; init; }

    /// <summary><see cref="AmountText"/> read with the invariant culture; null when it is not a plain decimal number.</summary>
    public decimal? Amount { get; init; }

    public string? CurrencyCode { get; init; }

    public string? WalletType { get; init; }

    /// <summary>
    /// Our own id for the payment: <c>plugin_custom_order_id</c> (current format) or <c>custom_id</c>
    /// (legacy); expected to be the <c>custom_transaction_id</c> we sent with the proof.
    /// </summary>
    public string? CustomOrderId { get; init; }

    /// <summary>As sent, <c>yyyy-MM-dd HH:mm:ss</c> in the account's time zone (not parsed here).</summary>
    public string? ActivatedDateTime { get; init; }

    /// <summary>As sent, <c>yyyy-MM-dd HH:mm:ss</c> in the account's time zone (not parsed here).</summary>
    public string? CreatedDateTime { get; init; }

    public int? TransactionType { get; init; }

    /// <summary>The string's value or the number's raw text; null for deposits.</summary>
    public string? WithdrawalId { get; init; }

    public int? WithdrawalStatus { get; init; }

    public string? AccountNumber { get; init; }

    /// <summary>This item alone, encoded as the gateway signed it (compact, unescaped slashes and Unicode).</summary>
    public ReadOnlyMemory<byte> Json { get; init; }
}

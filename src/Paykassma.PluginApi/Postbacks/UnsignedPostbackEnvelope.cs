namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// The top-level values of a postback. NONE of them is covered by the signature: anyone who has seen
/// one genuine postback can resend it with another amount, label or direction and it still verifies.
/// Useful for logs and for cross-checks; never for deciding what was paid.
/// </summary>
/// <remarks>Each value is the string as received, or a number's raw text; null when absent or of another type.</remarks>
public sealed record UnsignedPostbackEnvelope
{
    /// <summary><c>ingoing</c> (deposit) or <c>outgoing</c> (withdrawal); current format only.</summary>
    public string? Direction { get; init; }

    public string? AmountText { get; init; }

    public string? CurrencyCode { get; init; }

    public string? Label { get; init; }

    public string? WalletType { get; init; }

    public string? CreatedDateTime { get; init; }

    /// <summary>The <c>converted_amount</c> value as raw JSON text (a currency → amount map), when present.</summary>
    public string? ConvertedAmountJson { get; init; }

    /// <summary>Legacy format only.</summary>
    public string? Stockpiling { get; init; }

    /// <summary>Legacy format only.</summary>
    public string? StockpilingId { get; init; }
}

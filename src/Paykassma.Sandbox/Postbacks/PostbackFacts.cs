namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// What a postback is, fixed when it is built: which kind, for which order, with which amounts and whether
/// its signature is genuine. <see cref="PostbackRecord"/> keeps it next to the bytes, and
/// <see cref="PostbackSummary"/> shows it with how the delivery stands.
/// </summary>
public record PostbackFacts
{
    public required long Id { get; init; }
    public required PostbackKind Kind { get; init; }
    public required PostbackSource Source { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Direction { get; init; }

    /// <summary><c>plugin_custom_order_id</c>; null for withdrawals.</summary>
    public required string? CustomTransactionId { get; init; }
    /// <summary>The item's <c>transaction_id</c>; null for a withdrawal status sent without one.</summary>
    public required string? TransactionId { get; init; }

    /// <summary>The top-level label as sent (not signed).</summary>
    public required string Label { get; init; }

    /// <summary>The top-level amount as sent (not signed).</summary>
    public required long Amount { get; init; }

    /// <summary>The amount in additional_data as sent: the value a careful merchant credits.</summary>
    public required string SignedAmount { get; init; }

    /// <summary>The signed <c>withdrawal_id</c> as text (the merchant's id, or the control endpoint's number); null for deposits.</summary>
    public string? WithdrawalId { get; init; }

    /// <summary>The signed <c>withdrawal_status</c>; null for deposits.</summary>
    public int? WithdrawalStatus { get; init; }

    /// <summary>Whether the signature verifies with the configured keys: false for forged and tampered_signed.</summary>
    public required bool GenuineSignature { get; init; }

    /// <summary>For a duplicate: the postback whose bytes it repeats.</summary>
    public long? DuplicateOf { get; init; }

    public required PostbackWireEncoding Encoding { get; init; }
}

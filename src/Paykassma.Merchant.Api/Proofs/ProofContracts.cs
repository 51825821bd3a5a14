using System.ComponentModel;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// The multipart form of a proof upload. Fields arrive as text and are checked by
/// <see cref="ProofFormValidator"/>, so every problem is reported together with its field name.
/// </summary>
public sealed class ProofForm
{
    [Description("The 12-digit transaction number from the bank app (ASCII digits only).")]
    public string? TransactionNumber { get; set; }

    [Description("The amount paid, whole BTN.")]
    public string? Amount { get; set; }

    [Description("A screenshot of the payment: JPEG, PNG, WebP, HEIC or PDF (checked by content).")]
    public IFormFile? Screenshot { get; set; }
}

public sealed record ProofResponse(
    Guid Id,
    Guid DepositId,
    ProofStatus Status,
    string TransactionNumber,
    int Amount,
    string CustomTransactionId,
    string? GatewayMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ForwardedAt)
{
    public static ProofResponse From(Proof proof) => new(
        proof.Id, proof.DepositId, proof.Status, proof.TransactionNumber, proof.Amount,
        proof.CustomTransactionId, proof.GatewayMessage, proof.CreatedAt, proof.ForwardedAt);
}

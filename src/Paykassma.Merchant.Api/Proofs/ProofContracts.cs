namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// The multipart form of a proof upload, as the OpenAPI document states it (the endpoint reads the raw
/// form, so <see cref="ProofFormValidator"/> can report every field's problem together, by its name).
/// Its limits in the document are the validator's own (OpenApiLimits).
/// </summary>
/// <param name="TransactionNumber">The 12-digit transaction number from the bank app (ASCII digits only).</param>
/// <param name="Amount">The amount paid, whole BTN (sent as form text: 300).</param>
/// <param name="Screenshot">A screenshot of the payment: JPEG, PNG, WebP, HEIC or PDF (checked by content).</param>
public sealed record ProofForm(string TransactionNumber, int Amount, IFormFile Screenshot);

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

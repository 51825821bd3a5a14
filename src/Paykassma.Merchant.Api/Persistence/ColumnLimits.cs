namespace Paykassma.Merchant.Api.Persistence;

/// <summary>
/// Text column lengths that both the EF configuration (the schema) and the hand-written SQL (which
/// fits values from outside to them with <see cref="ColumnText.Fit"/>) rely on: one number each.
/// </summary>
public static class ColumnLimits
{
    /// <summary>The gateway's own limit for a user id, a wallet type, a custom order id.</summary>
    public const int GatewayText = 190;

    public const int Sha256Hex = 64;
    public const int RemoteIp = 64;
    public const int ReasonCode = 64;
    public const int RejectDetail = 500;
    public const int KeyName = 16;
    public const int Format = 16;
    public const int Signature = 128;
    public const int Direction = 32;
    public const int AmountText = 64;
    public const int CurrencyCode = 16;
    public const int WithdrawalId = 64;
    public const int UnappliedReason = 32;
    public const int GatewayDateText = 64;
}

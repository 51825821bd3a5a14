using System.Text.Json;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>A payout the back office asks for; the user's balance is already debited by it.</summary>
/// <param name="Label">The user being paid (the id the gateway knows them by), 1–36 characters.</param>
/// <param name="Amount">Whole units of the payout currency.</param>
/// <param name="AccountNumber">The user's account at the payout method: 1–34 digits; spaces and dashes between them are dropped (the payout stores and sends the digits).</param>
/// <param name="AccountName">The account holder's name: Latin letters and spaces, 1–30.</param>
/// <param name="BankDetails">Method-specific fields (e.g. <c>bank_code</c>), a flat object of strings; usually absent.</param>
public sealed record CreatePayoutRequest(
    string? Label,
    long? Amount,
    string? AccountNumber,
    string? AccountName,
    Dictionary<string, JsonElement>? BankDetails = null);

/// <param name="SettledAmount">The signed amount paid: only a paid payout has one (a cancelled one settled no money; ops see the
/// cancellation's signed item under the payout's transactions).</param>
/// <param name="SettledAt">When the signed postback made it paid or cancelled.</param>
public record PayoutResponse(
    Guid Id,
    string WithdrawalId,
    PayoutStatus Status,
    string Label,
    int Amount,
    string Currency,
    string AccountNumber,
    string AccountName,
    IReadOnlyDictionary<string, string>? BankDetails,
    string? GatewayMessage,
    int? WithdrawalStatus,
    decimal? SettledAmount,
    bool AmountMismatch,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? SettledAt)
{
    public static PayoutResponse From(Payout p) => new(p.Id, p.WithdrawalId, p.Status, p.Label, p.Amount, p.Currency,
        p.AccountNumber, p.AccountName, PayoutRules.ReadBankDetails(p.BankDetails), p.GatewayMessage, p.WithdrawalStatus,
        p.Status == PayoutStatus.Paid ? p.SettledAmount : null, p.AmountMismatch, p.CreatedAt, p.UpdatedAt, p.SentAt, p.SettledAt);
}

/// <summary>A request that passed <see cref="PayoutRules.Validate"/>: every field present and within the gateway's rules.</summary>
public sealed record ValidPayout(string Label, int Amount, string AccountNumber, string AccountName,
    IReadOnlyDictionary<string, string>? BankDetails)
{
    /// <summary>What makes a repeat "the same request" for its Idempotency-Key (stored: never change it).</summary>
    public string Fingerprint() => Idempotency.RequestFingerprint.Of(
        "payout|" + JsonSerializer.Serialize(new object?[]
        {
            Label, Amount, AccountNumber, AccountName,
            BankDetails?.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new[] { d.Key, d.Value }),
        }));
}

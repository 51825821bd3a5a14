using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>What an unapplied reason code means for the item at hand, in words a person acts on.</summary>
internal static class AttentionReasons
{
    public static string Unapplied(AttentionFacts f) => f.Text("unappliedReason") switch
    {
        UnappliedReasons.NoMatchingProof => $"no proof or window deposit has its custom order id {f.Text("customOrderId") ?? "(none)"}",
        UnappliedReasons.NoMatchingPayout => $"no payout has its withdrawal id {f.Text("withdrawalId") ?? "(none)"}",
        UnappliedReasons.UnknownWithdrawalStatus => $"withdrawal_status {f.Text("withdrawalStatus")} of {f.Text("withdrawalId")} is in none of the configured lists",
        UnappliedReasons.PayoutNotSettleable => $"its payout {f.Text("withdrawalId")} was never sent",
        UnappliedReasons.AmountUnreadable or UnappliedReasons.AmountNotPositive or UnappliedReasons.AmountTooLarge => "its amount cannot be credited",
        UnappliedReasons.NoCurrency or UnappliedReasons.CurrencyMismatch => "its currency is missing or not ours",
        UnappliedReasons.NoTransactionId => "it carries no transaction id",
        UnappliedReasons.NotAnObject => "it is not an object",
        _ => "see GET /api/ops/transactions",
    };
}

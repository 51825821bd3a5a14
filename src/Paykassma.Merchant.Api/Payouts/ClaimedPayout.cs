using Npgsql;
using Paykassma.Merchant.Api.Dispatching;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>What a payout's attempt sends, as its claim returns it (<see cref="PayoutStatements.ClaimDue"/>).</summary>
public sealed record ClaimedPayout(Guid Id, string WithdrawalId, string PaymentSystem, int Amount, string Currency, bool IsTest,
    string Label, string AccountNumber, string AccountName, string? BankDetails, int Attempts, int AttemptLimit, bool OutcomeUncertain)
    : IDispatchedItem
{
    /// <summary>The claim's RETURNING list (the claimed row is <c>x</c>), in the order <see cref="Read"/> reads it.</summary>
    internal const string Columns = "x.id, x.withdrawal_id, x.payment_system, x.amount, x.currency, x.is_test, x.label, x.account_number, " +
                                    "x.account_name, x.bank_details::text, x.attempts, x.attempt_limit, x.outcome_uncertain";

    internal static ClaimedPayout Read(NpgsqlDataReader row) => new(row.GetGuid(0), row.GetString(1), row.GetString(2), row.GetInt32(3),
        row.GetString(4), row.GetBoolean(5), row.GetString(6), row.GetString(7), row.GetString(8), row.IsDBNull(9) ? null : row.GetString(9),
        row.GetInt32(10), row.GetInt32(11), row.GetBoolean(12));

    /// <summary>A payout whose attempt the request's own statement claimed (its creation, approval or retry), as that statement returned it.</summary>
    public static ClaimedPayout From(Payout payout) => new(payout.Id, payout.WithdrawalId, payout.PaymentSystem, payout.Amount,
        payout.Currency, payout.IsTest, payout.Label, payout.AccountNumber, payout.AccountName, payout.BankDetails, payout.Attempts,
        payout.AttemptLimit, payout.OutcomeUncertain);
}

using Npgsql;
using NpgsqlTypes;
using static Paykassma.Merchant.Api.Persistence.Bound;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>What <see cref="PayoutStatements.Insert"/> is bound from: the new payout and the guards it is judged by.</summary>
internal sealed record PayoutInsertInput(Payout Payout, PayoutOptions Settings)
{
    /// <summary>Every name the insert uses, and how it is bound.</summary>
    public static readonly IReadOnlyDictionary<string, Func<PayoutInsertInput, NpgsqlParameter>> Binders =
        new Dictionary<string, Func<PayoutInsertInput, NpgsqlParameter>>
        {
            ["id"] = x => Value(x.Payout.Id),
            ["withdrawal_id"] = x => Value(x.Payout.WithdrawalId),
            ["label"] = x => Value(x.Payout.Label),
            ["amount"] = x => Value(x.Payout.Amount),
            ["currency"] = x => Value(x.Payout.Currency),
            ["payment_system"] = x => Value(x.Payout.PaymentSystem),
            ["is_test"] = x => Value(x.Payout.IsTest),
            // Digits only: the account as the gateway reads it, the daily total's key.
            ["account_number"] = x => Value(x.Payout.AccountNumber),
            ["account_name"] = x => Value(x.Payout.AccountName),
            ["bank_details"] = x => OrNull(x.Payout.BankDetails, NpgsqlDbType.Text),
            ["created_by"] = x => Value(x.Payout.CreatedBy),
            ["idempotency_key"] = x => Value(x.Payout.IdempotencyKey),
            ["request_hash"] = x => Value(x.Payout.RequestHash),
            ["attempt_limit"] = x => Value(x.Payout.AttemptLimit),
            // The first attempt's lease, when the insert claims it.
            ["lease_end"] = x => Value(x.Payout.CreatedAt + x.Settings.Dispatcher.Lease),
            ["now"] = x => Value(x.Payout.CreatedAt),
            ["day"] = x => Value(DateOnly.FromDateTime(x.Payout.CreatedAt.UtcDateTime)),
            ["label_daily_limit"] = x => OrNull(x.Settings.DailyLimitPerLabel, NpgsqlDbType.Bigint),
            ["account_daily_limit"] = x => OrNull(x.Settings.DailyLimitPerAccount, NpgsqlDbType.Bigint),
            ["approval_threshold"] = x => OrNull((long?)x.Settings.ApprovalThreshold, NpgsqlDbType.Bigint),
        };
}

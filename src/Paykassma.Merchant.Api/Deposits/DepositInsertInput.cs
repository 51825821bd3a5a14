using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Persistence;
using static Paykassma.Merchant.Api.Persistence.Bound;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>What the deposit inserts are bound from: the new deposit, and the key it completes (if any).</summary>
internal sealed record DepositInsertInput(Deposit Deposit, string? IdempotencyKey)
{
    /// <summary>Every name the inserts use, and how it is bound.</summary>
    public static readonly IReadOnlyDictionary<string, Func<DepositInsertInput, NpgsqlParameter>> Binders =
        new Dictionary<string, Func<DepositInsertInput, NpgsqlParameter>>
        {
            ["id"] = x => Value(x.Deposit.Id),
            ["label"] = x => Value(x.Deposit.Label),
            ["status"] = x => Value(SnakeCaseEnumConverter<DepositStatus>.ToText(x.Deposit.Status)),
            ["currency"] = x => Value(x.Deposit.Currency),
            ["wallet_type"] = x => Value(x.Deposit.WalletType),
            ["amount"] = x => OrNull(x.Deposit.Amount, NpgsqlDbType.Integer),
            ["wallet_number"] = x => OrNull(x.Deposit.WalletNumber, NpgsqlDbType.Text),
            ["account_name"] = x => OrNull(x.Deposit.AccountName, NpgsqlDbType.Text),
            ["is_check_amount"] = x => OrNull(x.Deposit.IsCheckAmount, NpgsqlDbType.Boolean),
            ["gateway_params"] = x => OrNull(x.Deposit.GatewayParams, NpgsqlDbType.Jsonb),
            ["now"] = x => Value(x.Deposit.CreatedAt),
            // A payment window deposit's; null for a requisites deposit.
            ["custom_transaction_id"] = x => OrNull(x.Deposit.CustomTransactionId, NpgsqlDbType.Text),
            ["idempotency_key"] = x => Value(x.IdempotencyKey ?? throw new InvalidOperationException("This insert completes no key.")),
        };
}

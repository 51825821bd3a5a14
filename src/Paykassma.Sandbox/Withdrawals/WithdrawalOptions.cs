using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>
/// How the sandbox takes payouts, bound from the same <c>Sandbox</c> section as the rest of its settings
/// (keys <c>Sandbox:Withdrawal…</c>; the currency is <c>Sandbox:Currency</c>, shared with deposits).
/// </summary>
public sealed class WithdrawalOptions
{
    /// <summary>
    /// The key withdrawal requests are signed with. Optional, so that a sandbox started for deposits alone
    /// (the benchmarks, the drills) needs no new secret: without it every withdrawal is refused as
    /// wrongly signed, as the real gateway refuses a merchant whose key it does not know.
    /// </summary>
    public string? WithdrawalPrivateKey { get; set; }

    /// <summary>The only <c>payment_system</c> served: Sinpe Movil, the payout method of bnb_ml's users.</summary>
    public string WithdrawalPaymentSystem { get; set; } = "sinpemovil";

    /// <summary>
    /// The merchant's balance for payouts; accepted withdrawals that are not cancelled are deducted. Large
    /// by default, so that only a test that means to run out of money does.
    /// </summary>
    public long WithdrawalBalance { get; set; } = 10_000_000;

    public bool PayoutsOn => !string.IsNullOrEmpty(WithdrawalPrivateKey);

    // Options objects end up in debugger views and careless log lines; the key must not.
    public override string ToString() => $"{nameof(WithdrawalOptions)} (payment system {WithdrawalPaymentSystem}, key redacted)";
}

/// <summary>Every problem at once, each naming its key; values are never echoed (one of them is a secret).</summary>
internal sealed class WithdrawalOptionsValidator : IValidateOptions<WithdrawalOptions>
{
    public ValidateOptionsResult Validate(string? name, WithdrawalOptions options)
    {
        List<string> failures = [];
        // Empty means "no payouts"; blank is more likely a mistake than a key, so it is not taken for one.
        if (options.WithdrawalPrivateKey is { Length: > 0 } key && string.IsNullOrWhiteSpace(key))
        {
            failures.Add("Sandbox:WithdrawalPrivateKey must not be blank (leave it out to switch payouts off).");
        }

        if (string.IsNullOrWhiteSpace(options.WithdrawalPaymentSystem))
        {
            failures.Add("Sandbox:WithdrawalPaymentSystem is required.");
        }

        if (options.WithdrawalBalance < 0)
        {
            failures.Add("Sandbox:WithdrawalBalance must be 0 or more.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

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

    /// <summary>
    /// Whether an accepted withdrawal is reported in the statuses it passes through before the final one, as
    /// the gateway may post each status it reaches. On by default, so that every client meets the real sequence.
    /// </summary>
    public bool WithdrawalInterimStatusesOn { get; set; } = true;

    /// <summary>
    /// The interim statuses, in order, comma-separated: by default 0 (not activated), 3 (pending) and 4 (in
    /// processing), the old back-office enum's values. Text rather than a list: the configuration binder adds
    /// to a list's default instead of replacing it, and an environment variable sets text more plainly.
    /// </summary>
    public string WithdrawalInterimStatuses { get; set; } = "0,3,4";

    /// <summary>
    /// The wait between one status postback leaving the queue (delivered, given up or not sent) and the next
    /// status. The first status follows Sandbox:PostbackDelaySeconds after the withdrawal is accepted.
    /// </summary>
    public double WithdrawalStatusStepSeconds { get; set; } = 0.3;

    /// <summary><c>same</c>, <c>per_status</c> or <c>none</c>; see <see cref="Withdrawals.WithdrawalTransactionIds"/>.</summary>
    public string WithdrawalTransactionIds { get; set; } = "same";

    public bool PayoutsOn => !string.IsNullOrEmpty(WithdrawalPrivateKey);

    /// <summary>The interim statuses to report; empty when switched off (or the list is empty).</summary>
    public IReadOnlyList<int> InterimStatuses =>
        WithdrawalInterimStatusesOn && WithdrawalStatusList.TryParse(WithdrawalInterimStatuses, out var statuses) ? statuses : [];

    public TimeSpan StatusStep => TimeSpan.FromSeconds(WithdrawalStatusStepSeconds);

    public WithdrawalTransactionIds TransactionIds =>
        WithdrawalTransactionIdNames.TryParse(WithdrawalTransactionIds, out WithdrawalTransactionIds mode) ? mode : default;

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

        if (!WithdrawalStatusList.TryParse(options.WithdrawalInterimStatuses, out _))
        {
            failures.Add($"Sandbox:WithdrawalInterimStatuses must be at most {WithdrawalStatusList.MaxStatuses} whole numbers of 0 or more, "
                + "separated by commas (e.g. 0,3,4), or empty for none.");
        }

        // Written so that NaN fails too: every comparison with NaN is false.
        if (!(options.WithdrawalStatusStepSeconds is >= 0 and <= 3600))
        {
            failures.Add("Sandbox:WithdrawalStatusStepSeconds must be between 0 and 3600 seconds.");
        }

        if (!WithdrawalTransactionIdNames.TryParse(options.WithdrawalTransactionIds, out WithdrawalTransactionIds _))
        {
            failures.Add($"Sandbox:WithdrawalTransactionIds must be one of: {WithdrawalTransactionIdNames.Modes}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.PluginApi;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>Payouts: who may be paid how much, what is sent to the gateway, and the dispatcher (<c>Payouts</c> section).</summary>
public sealed class PayoutOptions
{
    public const string SectionName = "Payouts";

    /// <summary>Off by default: payouts need a withdrawal key and a deliberate decision.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// A payout waits for an ops user other than its creator when the UTC day's total to its destination
    /// account, this payout included, is above this (so a split or a new label does not avoid it); null: none waits.
    /// </summary>
    public int? ApprovalThreshold { get; set; }

    /// <summary>The largest single payout.</summary>
    public int MaxAmount { get; set; } = 1_000_000;

    /// <summary>
    /// The most one label may be sent per UTC day, counted over every payout created that day that
    /// was not rejected by ops (a refused or cancelled one still counts: the limit is on what was asked
    /// for, and a retry of it is not counted again). Null: no daily limit.
    /// </summary>
    public long? DailyLimitPerLabel { get; set; }

    /// <summary>
    /// The most one destination account (digits only) may be sent per UTC day, counted as the label's
    /// limit is, whatever labels the payouts carry. Null: no such limit.
    /// </summary>
    public long? DailyLimitPerAccount { get; set; }

    /// <summary>A payout still <c>sent</c> this long after it was sent has had no final status in time: it is stale.</summary>
    public TimeSpan SettlementDeadline { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the stale watch looks for payouts past the deadline (and logs each once).</summary>
    public TimeSpan StaleCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The gateway's payout method (<c>payment_system</c>); the bnb_ml page names Sinpe Movil.</summary>
    public string PaymentSystem { get; set; } = "sinpemovil";

    public string Currency { get; set; } = "BTN";

    /// <summary>Sent as <c>is_test</c>: true until the gateway has the account ready for real payouts.</summary>
    public bool IsTest { get; set; }

    /// <summary>The outgoing postback's <c>withdrawal_status</c> values that mean paid.</summary>
    public int[] PaidStatuses { get; set; } = [1];

    /// <summary>The values that mean cancelled.</summary>
    public int[] CancelledStatuses { get; set; } = [5, 6, 7];

    /// <summary>
    /// The values the gateway reports on its way to a final one (0 not activated, 3 pending, 4 in
    /// processing): recorded on the payout, which stays sent. A value in none of the three lists is
    /// stored and flagged for ops, never guessed.
    /// </summary>
    public int[] InterimStatuses { get; set; } = [0, 3, 4];

    /// <summary>Whether a signed withdrawal_status is in one of the configured lists.</summary>
    public bool KnowsWithdrawalStatus(int status) =>
        PaidStatuses.Contains(status) || CancelledStatuses.Contains(status) || InterimStatuses.Contains(status);

    /// <summary>
    /// Phrases that, in a refusal that also names the withdrawal id, mean "this withdrawal_id is known
    /// already": after an attempt whose outcome we never saw, the payout was delivered.
    /// </summary>
    public string[] AlreadyKnownMessages { get; set; } = ["already exists", "already been taken", "already used", "duplicate"];

    public DispatcherOptions Dispatcher { get; set; } = new();
}

/// <summary>Stops start-up naming the key when the payout settings cannot work.</summary>
internal sealed class PayoutOptionsValidator(IOptions<PaykassmaOptions> gateway) : IValidateOptions<PayoutOptions>
{
    public ValidateOptionsResult Validate(string? name, PayoutOptions options)
    {
        var failures = new List<string>(options.Dispatcher.Problems("Payouts:Dispatcher"));
        if (options.MaxAmount <= 0)
        {
            failures.Add("Payouts:MaxAmount must be positive.");
        }
        if (options.ApprovalThreshold < 0)
        {
            failures.Add("Payouts:ApprovalThreshold must not be negative.");
        }
        if (options.DailyLimitPerLabel <= 0)
        {
            failures.Add("Payouts:DailyLimitPerLabel must be positive when set.");
        }
        if (options.DailyLimitPerAccount <= 0)
        {
            failures.Add("Payouts:DailyLimitPerAccount must be positive when set.");
        }
        if (options.SettlementDeadline <= TimeSpan.Zero)
        {
            failures.Add("Payouts:SettlementDeadline must be positive.");
        }
        if (options.StaleCheckInterval <= TimeSpan.Zero)
        {
            failures.Add("Payouts:StaleCheckInterval must be positive.");
        }
        if (string.IsNullOrWhiteSpace(options.PaymentSystem) || options.PaymentSystem.Length > 64)
        {
            failures.Add("Payouts:PaymentSystem must be 1 to 64 characters.");
        }
        if (options.Currency is not { Length: 3 } || !options.Currency.All(char.IsAsciiLetterUpper))
        {
            failures.Add("Payouts:Currency must be three capital letters.");
        }
        if (options.PaidStatuses.Length == 0 || options.PaidStatuses.Intersect(options.CancelledStatuses).Any())
        {
            failures.Add("Payouts:PaidStatuses must not be empty nor share a value with Payouts:CancelledStatuses.");
        }
        if (options.InterimStatuses.Intersect(options.PaidStatuses.Concat(options.CancelledStatuses)).Any())
        {
            failures.Add("Payouts:InterimStatuses must not share a value with Payouts:PaidStatuses or Payouts:CancelledStatuses.");
        }
        if (options.AlreadyKnownMessages.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Payouts:AlreadyKnownMessages must not hold an empty phrase.");
        }
        if (options.Enabled && string.IsNullOrEmpty(gateway.Value.WithdrawalPrivateKey))
        {
            failures.Add("Paykassma:WithdrawalPrivateKey is required when Payouts:Enabled is true.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>What a daily total counts payouts by.</summary>
public enum PayoutLimitScope
{
    /// <summary>The user being paid, as the back office names them (<c>Payouts:DailyLimitPerLabel</c>).</summary>
    Label,

    /// <summary>
    /// The destination account, digits only (<c>Payouts:DailyLimitPerAccount</c>, and the day's total that
    /// <c>Payouts:ApprovalThreshold</c> applies to): a new label does not make a new bucket.
    /// </summary>
    Account,
}

/// <summary>
/// What was asked to be sent to one label or one account on one UTC day: the row that serialises the
/// limits and the approval decision (ADR 0015). Counted by the statement that stores a payout, freed
/// by an ops rejection.
/// </summary>
public sealed class PayoutDailyTotal
{
    public PayoutLimitScope Scope { get; init; }

    /// <summary>The label, or the account number (digits only).</summary>
    public required string Key { get; init; }

    public DateOnly Day { get; init; }

    public long Total { get; set; }

    /// <summary>
    /// The limit in force when a payout was last counted (null: none). A check constraint per scope holds
    /// the total to it, so a payout that would pass either limit fails the whole statement.
    /// </summary>
    public long? DailyLimit { get; set; }
}

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>Deposit rules (<c>Deposits</c> section).</summary>
public sealed class DepositOptions
{
    public const string SectionName = "Deposits";

    /// <summary>The smallest amount (whole BTN) a user may announce or claim to have paid.</summary>
    public const int MinAmount = 1;

    /// <summary>The largest amount (whole BTN) a user may announce or claim to have paid.</summary>
    public int MaxAmount { get; set; } = 1_000_000;

    /// <summary>
    /// The one amount rule of a deposit and its proofs: what every refusal of an amount says, and what
    /// the OpenAPI document states as the field's minimum and maximum (OpenApiLimits reads these).
    /// </summary>
    public bool AllowsAmount(long amount) => amount >= MinAmount && amount <= MaxAmount;

    public string AmountRule => $"The amount must be a whole number of BTN from {MinAmount} to {MaxAmount}.";

    /// <summary>
    /// How long a repeated request waits for the first one with the same Idempotency-Key; it sets
    /// <see cref="Idempotency.IdempotencyOptions.Wait"/> for every feature (its documented key).
    /// </summary>
    public TimeSpan IdempotencyWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a claimed Idempotency-Key stays with the request that claimed it. Longer than any
    /// gateway call, so only a crashed claimant is taken over.
    /// </summary>
    public TimeSpan IdempotencyLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A deposit with no confirmation this long after creation becomes <c>expired</c>.</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromHours(72);

    /// <summary>How often the expiry job looks for deposits to expire.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

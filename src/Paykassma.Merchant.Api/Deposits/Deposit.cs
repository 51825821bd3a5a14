namespace Paykassma.Merchant.Api.Deposits;

/// <summary>One user's deposit: the requisites the gateway handed out and how far the payment got.</summary>
public sealed class Deposit
{
    public Guid Id { get; init; }

    /// <summary>The user's id as the gateway knows it (the token's label claim).</summary>
    public required string Label { get; init; }

    public DepositStatus Status { get; set; }

    public required string Currency { get; init; }

    public required string WalletType { get; init; }

    /// <summary>What the user said they would pay, if they said; the signed amount is <see cref="ConfirmedAmount"/>.</summary>
    public int? Amount { get; init; }

    public string? WalletNumber { get; init; }

    public string? AccountName { get; init; }

    public bool? IsCheckAmount { get; init; }

    /// <summary>
    /// The gateway's <c>params</c> object exactly as received (jsonb), unknown keys included; <c>{}</c>
    /// for a payment window deposit, which asks the gateway for nothing.
    /// </summary>
    public required string GatewayParams { get; init; }

    /// <summary>
    /// Only on a deposit paid through the gateway's payment window (<c>pw_</c> + its id): the
    /// <c>custom_transaction_id</c> of its window URL, which the gateway's postback brings back as
    /// <c>plugin_custom_order_id</c>. A requisites deposit is matched through its proofs' ids instead.
    /// </summary>
    public string? CustomTransactionId { get; init; }

    /// <summary>The sum of signed, matched gateway transactions: the only amount money moves on.</summary>
    public decimal? ConfirmedAmount { get; set; }

    /// <summary>
    /// Set when the signed amount differs from what the user claimed (a window deposit: from its fixed
    /// amount, when it had one).
    /// </summary>
    public bool AmountMismatch { get; set; }

    /// <summary>
    /// Confirmed for another total than the amount asked for when the deposit was created (a 300
    /// deposit paid 250, or 600 through two proofs). The signed total is what is credited; this only
    /// tells a person to look. Derived by PostgreSQL from the two amounts (a stored generated column).
    /// </summary>
    public bool AmountDiffers { get; private set; }

    /// <summary>
    /// The proofs whose signed transactions credited this deposit, each once. Kept on the row so that
    /// two postbacks crediting it at the same moment judge the mismatch against each other's proofs:
    /// the second waits for the first's row lock and then reads this, not its own older snapshot.
    /// </summary>
    public Guid[] CreditedProofIds { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? ExpiredAt { get; set; }

    /// <summary>Confirmed by a signed postback after it had expired: the money came late; ops may want to look.</summary>
    public bool ConfirmedAfterExpiry { get; set; }

    /// <summary>
    /// When the gateway first accepted a proof of this deposit: from then on the user's money is owed a
    /// signed postback. Set once, also for a proof accepted after the deposit expired.
    /// </summary>
    public DateTimeOffset? ProofForwardedAt { get; set; }

    /// <summary>
    /// Proofs stored for this deposit, counted by the statement that stores each one: the guard of
    /// Proofs:MaxProofsPerDeposit is this row's value, which concurrent uploads read under its lock, one
    /// after the other (a count of the proofs table would be read before the other upload committed).
    /// </summary>
    public int ProofCount { get; set; }

    /// <summary>
    /// The <c>since</c> of the attention list entry a person marked seen on this row (an ops annotation,
    /// not part of the record): hidden while the entry's since is still this (ADR 0016).
    /// </summary>
    public DateTimeOffset? AttentionSeenSince { get; set; }
}

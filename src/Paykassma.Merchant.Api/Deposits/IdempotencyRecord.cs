namespace Paykassma.Merchant.Api.Deposits;

/// <summary>
/// Claims an <c>Idempotency-Key</c> for one user before the gateway is called. The primary key
/// decides who runs the request when two arrive together; the loser waits for <see cref="DepositId"/>.
/// </summary>
public sealed class IdempotencyRecord
{
    public required string Label { get; init; }

    public required string Key { get; init; }

    /// <summary>A digest of the request body: the same key with another body is a client bug, not a retry.</summary>
    public required string RequestHash { get; init; }

    /// <summary>Set, in the same transaction that stores the deposit, once the request has succeeded.</summary>
    public Guid? DepositId { get; set; }

    /// <summary>Until when the claimant is presumed alive; after it another request may take over.</summary>
    public DateTimeOffset LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

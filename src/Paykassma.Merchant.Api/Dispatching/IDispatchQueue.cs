namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// Stored work that must reach another system once: proofs and payouts to the gateway, money events to
/// the merchant's ledger.
/// A feature implements it as a scoped service over its own table; <see cref="Dispatcher{TQueue, TItem}"/>
/// runs it. The rules every implementation keeps:
/// <list type="bullet">
/// <item>The item is committed before its first attempt, with a lease (<c>next_attempt_at</c>) so that
/// a process dying mid-attempt leaves it to be claimed again once the lease lapses.</item>
/// <item><see cref="ClaimDueAsync"/> is one statement with <c>FOR UPDATE SKIP LOCKED</c> that bumps the
/// attempt number and sets a new lease: instances never wait on or double-take each other's items.</item>
/// <item>An attempt's outcome is written only where the attempt number still matches (fencing), so a
/// slow attempt can never overwrite a newer one's result.</item>
/// <item>A lapsed lease means the last attempt's outcome is unknown: the claim records that, and the
/// next attempt reuses the same id so the other system can recognise a repeat.</item>
/// </list>
/// </summary>
public interface IDispatchQueue<TItem> where TItem : IDispatchedItem
{
    /// <summary>Claims up to <paramref name="batchSize"/> due items for one attempt each.</summary>
    Task<IReadOnlyList<TItem>> ClaimDueAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Makes the claimed attempt and records its outcome. Throws only for the unexpected.</summary>
    Task DeliverAsync(TItem item, CancellationToken cancellationToken);
}

/// <summary>An item of dispatched work, named by its id in the dispatcher's logs.</summary>
public interface IDispatchedItem
{
    Guid Id { get; }
}

using Paykassma.Merchant.Api.Dispatching;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// Proofs as dispatched work: queued proofs and proofs whose first attempt died with its process
/// are claimed (<see cref="ProofStore.ClaimDueAsync"/>) and delivered again with the same
/// custom_transaction_id; see <see cref="ProofForwarder"/> for the gateway's "already exists" answer.
/// </summary>
public sealed class ProofQueue(ProofStore store, ProofForwarder forwarder) : IDispatchQueue<Proof>
{
    public Task<IReadOnlyList<Proof>> ClaimDueAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken) =>
        store.ClaimDueAsync(batchSize, lease, cancellationToken);

    public async Task DeliverAsync(Proof proof, CancellationToken cancellationToken)
    {
        using var screenshot = await store.ReadScreenshotAsync(proof, cancellationToken);
        await forwarder.DeliverAsync(proof, _ => ValueTask.FromResult(screenshot.OpenRead()), cancellationToken);
    }
}

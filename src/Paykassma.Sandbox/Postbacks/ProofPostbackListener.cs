using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Proofs;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// Plays the gateway matching the payment behind an accepted proof: a genuine ingoing postback, sent a
/// moment later (Sandbox:PostbackDelaySeconds) and resent until the merchant answers ok.
/// </summary>
internal sealed class ProofPostbackListener(
    PostbackFactory factory,
    PostbackOutbox outbox,
    IOptions<PostbackOptions> options) : IProofAcceptedListener
{
    private readonly TimeSpan _delay = options.Value.Delay;

    public ValueTask OnProofAcceptedAsync(ReceivedProof proof, CancellationToken cancellationToken)
    {
        // Building is a few microseconds of hashing; the sending happens on the sender's own time.
        outbox.SendLater(factory.ForAcceptedProof(proof), _delay);
        return ValueTask.CompletedTask;
    }
}

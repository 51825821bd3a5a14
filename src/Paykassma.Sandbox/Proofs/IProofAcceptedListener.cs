namespace Paykassma.Sandbox.Proofs;

/// <summary>
/// The seam for what follows an accepted proof (next: the signed postbacks the gateway sends the
/// merchant). Register any number as singletons; none are registered by default, which is the no-op.
/// </summary>
/// <remarks>
/// Called once per accepted proof, after it is stored and before the client is answered, so keep it
/// short: hand the proof to a queue or channel and return. It is not called for refused proofs or for
/// repeated submissions. An exception is logged and does not change the client's answer.
/// </remarks>
public interface IProofAcceptedListener
{
    ValueTask OnProofAcceptedAsync(ReceivedProof proof, CancellationToken cancellationToken);
}

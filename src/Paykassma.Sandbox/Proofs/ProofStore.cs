using System.Collections.Concurrent;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Proofs;

/// <summary>
/// The possible transactions received, in memory, keyed by custom_transaction_id. It is what makes the
/// gateway's uniqueness rule hold, and the place other features read proofs from.
/// </summary>
public sealed partial class ProofStore(
    IEnumerable<IProofAcceptedListener> listeners,
    TimeProvider time,
    ILogger<ProofStore> logger)
{
    private readonly ConcurrentDictionary<string, ReceivedProof> _byCustomTransactionId = new(StringComparer.Ordinal);
    private readonly IProofAcceptedListener[] _listeners = listeners.ToArray();
    private long _sequence;

    public ReceivedProof? Find(string customTransactionId) =>
        _byCustomTransactionId.GetValueOrDefault(customTransactionId);

    /// <summary>Newest first.</summary>
    public IReadOnlyList<ReceivedProof> List() =>
        _byCustomTransactionId.Values.OrderByDescending(proof => proof.Sequence).ToArray();

    /// <summary>Forgets everything, including which custom_transaction_ids were used (tests reset with it).</summary>
    public void Clear() => _byCustomTransactionId.Clear();

    /// <returns>The stored proof, or <c>null</c> when its custom_transaction_id was received before.</returns>
    internal async ValueTask<ReceivedProof?> TryRecordAsync(SubmittedProof submitted, ProofOutcome outcome, GatewayAnswer answer)
    {
        var proof = new ReceivedProof
        {
            Sequence = Interlocked.Increment(ref _sequence),
            ReceivedAt = time.GetUtcNow(),
            CurrencyCode = submitted.CurrencyCode,
            WalletType = submitted.WalletType,
            Label = submitted.Label,
            Key1 = submitted.Key1,
            Amount = submitted.Amount,
            CustomTransactionId = submitted.CustomTransactionId,
            Screenshot = submitted.Screenshot,
            Outcome = outcome,
            TransactionId = outcome == ProofOutcome.Accepted ? GatewayIds.NewTransactionId() : null,
            Answer = answer,
        };

        // GetOrAdd decides atomically: of two concurrent submissions with one id, exactly one is stored.
        var stored = _byCustomTransactionId.GetOrAdd(proof.CustomTransactionId, proof);
        if (!ReferenceEquals(stored, proof))
        {
            stored.CountRepeatedSubmission();
            return null;
        }

        if (outcome == ProofOutcome.Accepted)
        {
            await NotifyListenersAsync(proof);
        }

        return proof;
    }

    private async ValueTask NotifyListenersAsync(ReceivedProof proof)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                // Not the request's token: the gateway has taken the proof even if the caller hangs up now.
                await listener.OnProofAcceptedAsync(proof, CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogListenerFailed(logger, exception, listener.GetType().Name, proof.CustomTransactionId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Listener {Listener} failed for accepted proof {CustomTransactionId}")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string listener, string customTransactionId);
}

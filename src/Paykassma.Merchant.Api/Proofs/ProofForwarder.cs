using Microsoft.Extensions.Options;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// One delivery attempt of a stored, claimed proof, and the recording of what came of it. Used by
/// the upload request (first attempt, at once) and by the dispatcher (every later one).
/// </summary>
public sealed partial class ProofForwarder(
    PluginApiClient gateway,
    ProofStore store,
    IOptions<ProofOptions> options,
    TimeProvider time,
    Observability.MerchantMetrics metrics,
    ILogger<ProofForwarder> logger)
{
    public async Task<ProofStatus> DeliverAsync(
        Proof proof, Func<CancellationToken, ValueTask<Stream>> openScreenshot, CancellationToken cancellationToken)
    {
        var status = await AttemptAsync(proof, openScreenshot, cancellationToken);
        metrics.ProofDelivery(Persistence.SnakeCaseEnumConverter<ProofStatus>.ToText(status));
        return status;
    }

    private async Task<ProofStatus> AttemptAsync(
        Proof proof, Func<CancellationToken, ValueTask<Stream>> openScreenshot, CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(proof.ScreenshotFileName) is { Length: > 1 and <= 6 } ext ? ext : "";
        var answer = await gateway.SubmitPossibleTransactionAsync(new PossibleTransaction(
            proof.Label,
            proof.TransactionNumber,
            proof.Amount,
            proof.CustomTransactionId,
            proof.CustomTransactionId + extension,
            proof.ScreenshotContentType,
            openScreenshot), cancellationToken);

        var settings = options.Value;
        var outcomeUncertain = proof.OutcomeUncertain || answer.OutcomeUncertain;
        switch (answer.Outcome)
        {
            case GatewayOutcome.Accepted:
                await store.MarkForwardedAsync(proof, answer.Message, answer.OutcomeUncertain, cancellationToken);
                await store.PullQueuedForwardAsync(cancellationToken);
                LogForwarded(logger, proof.Id, proof.Attempts);
                return ProofStatus.Forwarded;

            case GatewayOutcome.Refused when outcomeUncertain && IsAlreadyKnown(answer.Message, settings):
                // An earlier attempt reached the gateway without our seeing its answer; the gateway
                // now says it has this custom_transaction_id. The proof is delivered, not refused.
                await store.MarkForwardedAsync(proof, answer.Message, outcomeUncertain: true, cancellationToken);
                LogAlreadyKnown(logger, proof.Id, answer.Message ?? "");
                return ProofStatus.Forwarded;

            case GatewayOutcome.Refused:
                await store.MarkRejectedAsync(proof, answer.Message ?? "", cancellationToken);
                LogRejected(logger, proof.Id, answer.Message ?? "");
                return ProofStatus.Rejected;

            default:
                var giveUp = proof.Attempts >= proof.AttemptLimit;
                var retryAt = giveUp ? (DateTimeOffset?)null : time.GetUtcNow() + settings.Dispatcher.RetryDelay(proof.Attempts);
                var error = answer.Failure?.ToString() ?? "unknown";
                await store.MarkUndeliveredAsync(proof, error, answer.OutcomeUncertain, retryAt, cancellationToken);
                if (giveUp)
                {
                    LogGaveUp(logger, proof.Id, proof.Attempts, error);
                    return ProofStatus.Failed;
                }
                LogQueued(logger, proof.Id, proof.Attempts, error, retryAt!.Value);
                return ProofStatus.Queued;
        }
    }

    /// <summary>
    /// True for a refusal saying the gateway has this custom_transaction_id already: it must name
    /// that id and use one of the configured phrases. "Already used" alone may be about the bank
    /// transaction number, which is a refusal of the proof, not a sign that it was delivered.
    /// </summary>
    internal static bool IsAlreadyKnown(string? message, ProofOptions settings) =>
        AlreadyKnownRefusal.ForProof(message, settings.AlreadyKnownMessages);


    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Proof {ProofId} forwarded to the gateway (attempt {Attempt})")]
    private static partial void LogForwarded(ILogger logger, Guid proofId, int attempt);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
        Message = "Proof {ProofId}: the gateway already knows its id ({GatewayMessage}) after an attempt of unknown outcome; counted as forwarded")]
    private static partial void LogAlreadyKnown(ILogger logger, Guid proofId, string gatewayMessage);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Proof {ProofId} rejected by the gateway: {GatewayMessage}")]
    private static partial void LogRejected(ILogger logger, Guid proofId, string gatewayMessage);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning,
        Message = "Proof {ProofId} not delivered (attempt {Attempt}, {Error}); queued for {RetryAt:o}")]
    private static partial void LogQueued(ILogger logger, Guid proofId, int attempt, string error, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error,
        Message = "Proof {ProofId} failed after {Attempts} attempts ({Error}); it needs ops (POST /api/ops/proofs/{{id}}/retry)")]
    private static partial void LogGaveUp(ILogger logger, Guid proofId, int attempts, string error);
}

using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// Proofs as dispatched work: one delivery attempt of a claimed proof, and what it came to. The claim,
/// the retry budget, the recording and a stop mid-attempt are Dispatching's (ADR 0020). Used by the
/// upload request (first attempt, at once, with the screenshot it holds) and by the dispatcher (every
/// later one: queued proofs, and proofs whose attempt died with its process, sent again under the same
/// custom_transaction_id).
/// </summary>
public sealed partial class ProofForwarder(
    PluginApiClient gateway,
    ProofStore store,
    AttemptRunner<ProofForwarder, ClaimedProof> runner,
    IOptions<ProofOptions> options,
    Observability.MerchantMetrics metrics,
    ILogger<ProofForwarder> logger) : IDispatchQueue<ClaimedProof>
{
    /// <summary>
    /// The first attempt of a proof the request just stored (claimed by its insert), with the screenshot in
    /// hand. Returns the proof as the attempt's recorded outcome left it, from the recording statement itself
    /// (as payouts do, ADR 0025); <paramref name="stored"/> itself when the host stopped mid-attempt (nothing
    /// was recorded, and the first attempt's lease keeps every dispatcher off the row: it is as the insert
    /// left it); null when a newer attempt got there first (the lease lapsed during a slow attempt): only
    /// then need the request read it.
    /// </summary>
    public async Task<Proof?> DeliverAsync(Proof stored, Func<CancellationToken, ValueTask<Stream>> openScreenshot,
        CancellationToken cancellationToken)
    {
        var (report, row) = await runner.RunReturningAsync(this, ClaimedProof.From(stored),
            (item, ct) => AttemptAsync(item, openScreenshot, ct), reader => ProofRow.Read(reader, 0)!, cancellationToken);
        return report is null ? stored : row;
    }

    /// <summary>A later attempt: the screenshot is read back from PostgreSQL.</summary>
    public async Task<AttemptOutcome> AttemptAsync(ClaimedProof proof, CancellationToken cancellationToken)
    {
        using var screenshot = await store.ReadScreenshotAsync(proof.Id, cancellationToken);
        return await AttemptAsync(proof, _ => ValueTask.FromResult(screenshot.OpenRead()), cancellationToken);
    }

    private async Task<AttemptOutcome> AttemptAsync(
        ClaimedProof proof, Func<CancellationToken, ValueTask<Stream>> openScreenshot, CancellationToken cancellationToken)
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

        var outcomeUncertain = proof.OutcomeUncertain || answer.OutcomeUncertain;
        switch (answer.Outcome)
        {
            case GatewayOutcome.Accepted:
                return AttemptOutcome.Delivered(answer.Message, answer.OutcomeUncertain);
            case GatewayOutcome.Refused when outcomeUncertain && IsAlreadyKnown(answer.Message, options.Value):
                // An earlier attempt reached the gateway without our seeing its answer; the gateway now
                // says it has this custom_transaction_id. The proof is delivered, not refused.
                LogAlreadyKnown(logger, proof.Id, answer.Message ?? "");
                return AttemptOutcome.Delivered(answer.Message, outcomeUncertain: true);
            case GatewayOutcome.Refused:
                return AttemptOutcome.Refused(answer.Message ?? "");
            default:
                return AttemptOutcome.Retry(answer.Failure?.ToString() ?? "unknown", outcomeUncertain: answer.OutcomeUncertain);
        }
    }

    public void Report(ClaimedProof proof, AttemptReport report)
    {
        metrics.ProofDelivery(ProofTransitions.Attempt.Text(report.Result));
        switch (report.Result)
        {
            case AttemptResult.Delivered:
                LogForwarded(logger, proof.Id, proof.Attempts);
                break;
            case AttemptResult.Refused:
                LogRejected(logger, proof.Id, report.Outcome.Message ?? "");
                break;
            case AttemptResult.GiveUp:
                LogGaveUp(logger, proof.Id, proof.Attempts, report.Outcome.Error ?? "");
                break;
            default:
                LogQueued(logger, proof.Id, proof.Attempts, report.Outcome.Error ?? "", report.RetryAt ?? default);
                break;
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

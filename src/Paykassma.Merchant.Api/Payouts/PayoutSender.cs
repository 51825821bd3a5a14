using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.PluginApi.Client;
using Paykassma.PluginApi.Withdrawals;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// Payouts as dispatched work: one attempt to hand a claimed payout to the gateway, and what it came to.
/// The claim, the retry budget, the recording (with the attempt's row and event) and a stop mid-attempt
/// are Dispatching's (ADR 0020). Used by the request that created or approved the payout (first attempt,
/// at once) and by the dispatcher (approved, queued, and ones whose attempt died with its process).
/// Every attempt sends the payout's one withdrawal_id.
/// </summary>
public sealed partial class PayoutSender(
    PluginApiClient gateway,
    AttemptRunner<PayoutSender, ClaimedPayout> runner,
    IOptions<PayoutOptions> options,
    MerchantMetrics metrics,
    ILogger<PayoutSender> logger) : IDispatchQueue<ClaimedPayout>
{
    /// <summary>
    /// The attempt of a payout whose attempt the request's own statement claimed (its creation, approval or
    /// an ops retry). Returns the payout as the attempt's recorded outcome left it, from the recording
    /// statement itself (ADR 0025), or null when nothing was recorded: the host stopped mid-attempt, or a
    /// signed postback or a newer attempt got there first. Only then need the request read it.
    /// </summary>
    public async Task<Payout?> DeliverAsync(Payout claimed, CancellationToken cancellationToken) =>
        (await runner.RunReturningAsync(this, ClaimedPayout.From(claimed), row => PayoutRow.Read(row, 0)!, cancellationToken)).Row;

    public async Task<AttemptOutcome> AttemptAsync(ClaimedPayout payout, CancellationToken cancellationToken)
    {
        var answer = await gateway.CreateWithdrawalAsync(new WithdrawalRequest(
            payout.WithdrawalId, payout.PaymentSystem, payout.Amount, payout.Currency, payout.IsTest, payout.Label,
            payout.AccountNumber, payout.AccountName, PayoutRules.ReadBankDetails(payout.BankDetails)), cancellationToken);

        var message = answer.Message is null ? null : ColumnText.Fit(answer.Message, 2000);
        var uncertain = payout.OutcomeUncertain || answer.OutcomeUncertain;
        switch (answer.Outcome)
        {
            case GatewayOutcome.Accepted:
                LogSent(logger, payout.Id, payout.WithdrawalId, payout.Attempts);
                return AttemptOutcome.Delivered(message, answer.OutcomeUncertain);

            case GatewayOutcome.Refused when uncertain && AlreadyKnownRefusal.ForWithdrawal(answer.Message, options.Value.AlreadyKnownMessages):
                // An earlier attempt reached the gateway without our seeing its answer; the gateway now
                // says it has this withdrawal_id. The payout is sent, once, not refused.
                LogAlreadyKnown(logger, payout.Id, payout.WithdrawalId, answer.Message!);
                return AttemptOutcome.Delivered(message, answer.OutcomeUncertain);

            case GatewayOutcome.Refused:
                if (answer.Message?.Contains(WithdrawalSignature.InvalidSignatureMessage, StringComparison.OrdinalIgnoreCase) == true)
                {
                    // The signature formula is inferred (PluginApi/Withdrawals/WithdrawalSignature): this
                    // says the inference, the key, or the gateway's setup is wrong. Nothing will pass until fixed.
                    metrics.PayoutSignatureRefused();
                    LogSignatureRefused(logger, payout.Id, payout.WithdrawalId, answer.Message);
                }
                else
                {
                    LogRefused(logger, payout.Id, payout.WithdrawalId, answer.Message ?? "");
                }
                return new AttemptOutcome(AttemptResult.Refused, message, null, answer.OutcomeUncertain);

            default:
                return AttemptOutcome.Retry(
                    SnakeCaseEnumConverter<GatewayFailureKind>.ToText(answer.Failure ?? GatewayFailureKind.UnreadableResponse),
                    message, answer.OutcomeUncertain);
        }
    }

    public void Report(ClaimedPayout payout, AttemptReport report)
    {
        switch (report.Result)
        {
            case AttemptResult.GiveUp:
                LogGaveUp(logger, payout.Id, payout.WithdrawalId, payout.Attempts, report.Outcome.Error ?? "");
                break;
            case AttemptResult.Retry:
                LogQueued(logger, payout.Id, payout.Attempts, report.Outcome.Error ?? "", report.RetryAt ?? default);
                break;
        }
        if (report.Recorded)
        {
            metrics.PayoutReached(PayoutTransitions.Attempt.Text(report.Result));
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Payout {PayoutId} sent to the gateway as {WithdrawalId} (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, Guid payoutId, string withdrawalId, int attempt);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning,
        Message = "Payout {PayoutId}: the gateway already has {WithdrawalId} ({GatewayMessage}) after an attempt of unknown outcome; counted as sent")]
    private static partial void LogAlreadyKnown(ILogger logger, Guid payoutId, string withdrawalId, string gatewayMessage);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Payout {PayoutId} ({WithdrawalId}) refused by the gateway: {GatewayMessage}")]
    private static partial void LogRefused(ILogger logger, Guid payoutId, string withdrawalId, string gatewayMessage);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error,
        Message = "Payout {PayoutId} ({WithdrawalId}) refused: \"{GatewayMessage}\". The payout signature is inferred, not published: " +
                  "check Paykassma:WithdrawalPrivateKey and the formula (docs/gateway-protocol.md §4) with the gateway; no payout will pass until then")]
    private static partial void LogSignatureRefused(ILogger logger, Guid payoutId, string withdrawalId, string gatewayMessage);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "Payout {PayoutId} not delivered (attempt {Attempt}, {Error}); queued for {RetryAt:o}")]
    private static partial void LogQueued(ILogger logger, Guid payoutId, int attempt, string error, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Error,
        Message = "Payout {PayoutId} ({WithdrawalId}) failed after {Attempts} attempts ({Error}); it needs ops (POST /api/ops/payouts/{{id}}/retry)")]
    private static partial void LogGaveUp(ILogger logger, Guid payoutId, string withdrawalId, int attempts, string error);
}

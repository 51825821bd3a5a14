using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.PluginApi.Client;
using Paykassma.PluginApi.Withdrawals;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// One attempt to hand a claimed payout to the gateway, and the recording of what came of it. Used
/// by the request that created or approved the payout (first attempt, at once) and by the dispatcher.
/// Every attempt sends the payout's one withdrawal_id.
/// </summary>
public sealed partial class PayoutSender(
    PluginApiClient gateway,
    PayoutStore store,
    IOptions<PayoutOptions> options,
    TimeProvider time,
    MerchantMetrics metrics,
    ILogger<PayoutSender> logger)
{
    public async Task<PayoutStatus> DeliverAsync(Payout payout, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var answer = await gateway.CreateWithdrawalAsync(new WithdrawalRequest(
            payout.WithdrawalId, payout.PaymentSystem, payout.Amount, payout.Currency, payout.IsTest, payout.Label,
            payout.AccountNumber, payout.AccountName, PayoutRules.ReadBankDetails(payout.BankDetails)), cancellationToken);

        var uncertain = payout.OutcomeUncertain || answer.OutcomeUncertain;
        PayoutMove outcome;
        string? error = null;
        DateTimeOffset? retryAt = null;
        switch (answer.Outcome)
        {
            case GatewayOutcome.Accepted:
                outcome = PayoutMove.Send;
                LogSent(logger, payout.Id, payout.WithdrawalId, payout.Attempts);
                break;

            case GatewayOutcome.Refused when uncertain && AlreadyKnownRefusal.ForWithdrawal(answer.Message, settings.AlreadyKnownMessages):
                // An earlier attempt reached the gateway without our seeing its answer; the gateway now
                // says it has this withdrawal_id. The payout is sent, once, not refused.
                outcome = PayoutMove.Send;
                LogAlreadyKnown(logger, payout.Id, payout.WithdrawalId, answer.Message!);
                break;

            case GatewayOutcome.Refused:
                outcome = PayoutMove.Refuse;
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
                break;

            default:
                error = SnakeCaseEnumConverter<GatewayFailureKind>.ToText(answer.Failure ?? GatewayFailureKind.UnreadableResponse);
                if (payout.Attempts >= payout.AttemptLimit)
                {
                    outcome = PayoutMove.GiveUp;
                    LogGaveUp(logger, payout.Id, payout.WithdrawalId, payout.Attempts, error);
                }
                else
                {
                    outcome = PayoutMove.Queue;
                    retryAt = time.GetUtcNow() + settings.Dispatcher.RetryDelay(payout.Attempts);
                    LogQueued(logger, payout.Id, payout.Attempts, error, retryAt.Value);
                }
                break;
        }

        var reached = PayoutTransitions.Moves.To(outcome);
        if (await store.RecordAttemptAsync(payout, outcome, answer.Message, error, answer.OutcomeUncertain, retryAt, cancellationToken))
        {
            metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(reached));
            return reached;
        }
        // A newer attempt (after this one's lease lapsed) or the signed postback got there first.
        LogSuperseded(logger, payout.Id, payout.Attempts);
        return (await store.FindAsync(payout.Id, CancellationToken.None))?.Status ?? reached;
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

    [LoggerMessage(EventId = 8007, Level = LogLevel.Information, Message = "Payout {PayoutId}: attempt {Attempt}'s outcome was not recorded; a newer attempt or the signed postback got there first")]
    private static partial void LogSuperseded(ILogger logger, Guid payoutId, int attempt);
}

/// <summary>Payouts as dispatched work: approved, queued, and ones whose attempt died with its process.</summary>
public sealed class PayoutQueue(PayoutStore store, PayoutSender sender) : IDispatchQueue<Payout>
{
    public Task<IReadOnlyList<Payout>> ClaimDueAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken) =>
        store.ClaimDueAsync(batchSize, lease, cancellationToken);

    public Task DeliverAsync(Payout payout, CancellationToken cancellationToken) => sender.DeliverAsync(payout, cancellationToken);
}

using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

public enum ReviewOutcome
{
    Done,
    NotFound,

    /// <summary>Four eyes: the approver created the payout.</summary>
    OwnPayout,

    /// <summary>The payout's status does not allow this action (already approved, sent, settled…).</summary>
    WrongStatus,
}

/// <summary>What came of an ops action: the payout afterwards, or why not (with the status it was refused in).</summary>
public sealed record ReviewResult(ReviewOutcome Outcome, Payout? Payout = null, PayoutStatus? RefusedIn = null)
{
    /// <summary>The payout's status when the action was refused.</summary>
    public PayoutStatus Status => RefusedIn ?? Payout!.Status;
}

/// <summary>
/// What ops may do to a payout: approve (four eyes), reject, retry. Each is one statement that also
/// records who did it and why (ops_actions) and answers with the payout, or with why not; an approval or
/// a retry also claims the payout's attempt, which this request then makes at once (ADR 0025).
/// </summary>
public sealed class PayoutReview(PayoutStore store, PayoutSender sender, IOptions<PayoutOptions> options, MerchantMetrics metrics,
    IHostApplicationLifetime lifetime)
{
    public async Task<ReviewResult> ApproveAsync(Guid id, string approver, string? reason, CancellationToken cancellationToken)
    {
        var approval = await store.ApproveAsync(id, approver, reason, options.Value.Dispatcher.Lease, cancellationToken);
        if (approval.Moved is not { } claimed)
        {
            // The statement said why: no payout, the approver's own (while it still waits), or another status.
            return approval switch
            {
                { Found: null } => new ReviewResult(ReviewOutcome.NotFound),
                { OwnPayout: true, Found: { } status } when PayoutTransitions.Moves.From(PayoutMove.Approve).Contains(status) =>
                    new ReviewResult(ReviewOutcome.OwnPayout, RefusedIn: status),
                _ => new ReviewResult(ReviewOutcome.WrongStatus, RefusedIn: approval.Found),
            };
        }
        metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(PayoutTransitions.Moves.To(PayoutMove.Approve)));
        return await SendNowAsync(claimed);
    }

    public async Task<ReviewResult> RejectAsync(Guid id, string actor, string reason, CancellationToken cancellationToken)
    {
        var rejection = await store.RejectAsync(id, actor, reason, cancellationToken);
        if (rejection.Moved is not { } rejected)
        {
            return WhyNot(rejection);
        }
        metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(PayoutTransitions.Moves.To(PayoutMove.Reject)));
        return new ReviewResult(ReviewOutcome.Done, rejected);
    }

    public async Task<ReviewResult> RetryAsync(Guid id, string actor, string reason, CancellationToken cancellationToken)
    {
        var settings = options.Value.Dispatcher;
        var retry = await store.RetryAsync(id, actor, reason, settings.MaxAttempts, settings.Lease, cancellationToken);
        if (retry.Moved is not { } claimed)
        {
            return WhyNot(retry);
        }
        metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(PayoutTransitions.Moves.To(PayoutMove.Retry)));
        return await SendNowAsync(claimed);
    }

    /// <summary>The attempt the action's statement claimed for this request; the answer is the payout as its outcome left it.</summary>
    private async Task<ReviewResult> SendNowAsync(Payout claimed)
    {
        Payout? answered = null;
        try
        {
            answered = await sender.DeliverAsync(claimed, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Its lease lapses and a dispatcher sends it, under the same withdrawal_id.
        }
        // Nothing recorded (a stop, or another writer first): the row is no longer what this request knows.
        return new ReviewResult(ReviewOutcome.Done, answered ?? await store.FindAsync(claimed.Id, CancellationToken.None));
    }

    private static ReviewResult WhyNot(PayoutReviewAnswer answer) =>
        answer.Found is { } status ? new ReviewResult(ReviewOutcome.WrongStatus, RefusedIn: status) : new ReviewResult(ReviewOutcome.NotFound);
}

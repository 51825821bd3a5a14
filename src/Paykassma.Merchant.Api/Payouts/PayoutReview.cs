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
/// records who did it and why (ops_actions); an approved or retried payout is then sent at once, unless a dispatcher
/// claimed it first.
/// </summary>
public sealed class PayoutReview(PayoutStore store, PayoutSender sender, IOptions<PayoutOptions> options, MerchantMetrics metrics,
    IHostApplicationLifetime lifetime)
{
    public async Task<ReviewResult> ApproveAsync(Guid id, string approver, string? reason, CancellationToken cancellationToken)
    {
        var approval = await store.ApproveAsync(id, approver, reason, cancellationToken);
        if (!approval.Approved)
        {
            // The statement said why: no payout, the approver's own (while it still waits), or another status.
            return approval switch
            {
                { Status: null } => new ReviewResult(ReviewOutcome.NotFound),
                { OwnPayout: true, Status: { } status } when PayoutTransitions.Moves.From(PayoutMove.Approve).Contains(status) =>
                    new ReviewResult(ReviewOutcome.OwnPayout, RefusedIn: status),
                _ => new ReviewResult(ReviewOutcome.WrongStatus, RefusedIn: approval.Status),
            };
        }
        metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(PayoutTransitions.Moves.To(PayoutMove.Approve)));
        return await SendNowAsync(id, cancellationToken);
    }

    public async Task<ReviewResult> RejectAsync(Guid id, string actor, string reason, CancellationToken cancellationToken)
    {
        if (!await store.RejectAsync(id, actor, reason, cancellationToken))
        {
            return await WhyNotAsync(id, cancellationToken);
        }
        metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(PayoutTransitions.Moves.To(PayoutMove.Reject)));
        return new ReviewResult(ReviewOutcome.Done, await store.FindAsync(id, CancellationToken.None));
    }

    public async Task<ReviewResult> RetryAsync(Guid id, string actor, string reason, CancellationToken cancellationToken)
    {
        if (!await store.RetryAsync(id, actor, reason, options.Value.Dispatcher.MaxAttempts, cancellationToken))
        {
            return await WhyNotAsync(id, cancellationToken);
        }
        metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(PayoutTransitions.Moves.To(PayoutMove.Retry)));
        return await SendNowAsync(id, cancellationToken);
    }

    private async Task<ReviewResult> SendNowAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await store.ClaimOneAsync(id, cancellationToken) is { } claimed)
        {
            try
            {
                await sender.DeliverAsync(claimed, lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Its lease lapses and a dispatcher sends it, under the same withdrawal_id.
            }
        }
        return new ReviewResult(ReviewOutcome.Done, await store.FindAsync(id, CancellationToken.None));
    }

    private async Task<ReviewResult> WhyNotAsync(Guid id, CancellationToken cancellationToken)
    {
        var payout = await store.FindAsync(id, cancellationToken);
        return payout is null ? new ReviewResult(ReviewOutcome.NotFound) : new ReviewResult(ReviewOutcome.WrongStatus, payout);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>
/// Payouts for operations staff: find them, see everything that happened to one (attempts, gateway
/// messages, the signed postbacks, who approved, rejected or retried it and why), and approve (four
/// eyes), reject or retry.
/// </summary>
public static class OpsPayoutsApi
{
    /// <summary>
    /// A payout as ops see it: every field of the back office's view, and beside them (not under a
    /// member of their own) how it is being sent and what the gateway reported (after them: order 1).
    /// </summary>
    public sealed record OpsPayout : PayoutResponse
    {
        [SetsRequiredMembers]
        private OpsPayout(Payout p) : base(PayoutResponse.From(p))
        {
            CreatedBy = p.CreatedBy;
            PaymentSystem = p.PaymentSystem;
            IsTest = p.IsTest;
            Attempts = p.Attempts;
            AttemptLimit = p.AttemptLimit;
            OutcomeUncertain = p.OutcomeUncertain;
            LastError = p.LastError;
            NextAttemptAt = p.NextAttemptAt;
            StaleSince = p.StaleSince;
            ReportedAt = p.ReportedAt;
            StatusConflict = p.StatusConflict;
            ConflictingStatus = p.ConflictingStatus;
        }

        [JsonPropertyOrder(1)]
        public required string CreatedBy { get; init; }
        [JsonPropertyOrder(1)]
        public required string PaymentSystem { get; init; }
        [JsonPropertyOrder(1)]
        public required bool IsTest { get; init; }
        [JsonPropertyOrder(1)]
        public required int Attempts { get; init; }
        [JsonPropertyOrder(1)]
        public required int AttemptLimit { get; init; }
        [JsonPropertyOrder(1)]
        public required bool OutcomeUncertain { get; init; }
        [JsonPropertyOrder(1)]
        public required string? LastError { get; init; }
        [JsonPropertyOrder(1)]
        public required DateTimeOffset? NextAttemptAt { get; init; }
        [JsonPropertyOrder(1)]
        public required DateTimeOffset? StaleSince { get; init; }
        [JsonPropertyOrder(1)]
        public required DateTimeOffset? ReportedAt { get; init; }
        [JsonPropertyOrder(1)]
        public required bool StatusConflict { get; init; }
        [JsonPropertyOrder(1)]
        public required int? ConflictingStatus { get; init; }

        public static new OpsPayout From(Payout p) => new(p);
    }

    public sealed record OpsPayoutAttempt(int Attempt, string Outcome, string? GatewayMessage, string? Error, bool OutcomeUncertain, DateTimeOffset At);

    public sealed record OpsPayoutDetail(
        OpsPayout Payout,
        IReadOnlyList<OpsPayoutAttempt> Attempts,
        IReadOnlyList<OpsActionsApi.OpsActionEntry> Actions,
        IReadOnlyList<OpsPostbacksApi.OpsTransaction> Transactions);

    public static RouteGroupBuilder MapOpsPayouts(this RouteGroupBuilder ops)
    {
        ops.MapGet("/payouts", ListPayouts)
            .WithName("OpsListPayouts")
            .WithSummary("Payouts by status, label and creation time range, newest first (status=awaiting_approval: the ones to review; "
                + "stale=true: sent longer ago than Payouts:SettlementDeadline without a final status; "
                + "conflict=true: the gateway signed a final status contradicting the settlement)");
        ops.MapGet("/payouts/{id:guid}", GetPayout)
            .WithName("OpsGetPayout")
            .WithSummary("One payout with its attempts, gateway messages, signed transactions and the ops actions on it")
            .ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapPost("/payouts/{id:guid}/approve", Approve)
            .WithName("OpsApprovePayout")
            .WithSummary("Approve a payout awaiting approval (not your own: four eyes); it is sent at once. Body optional: {\"reason\"}")
            .WithRequestTimeout(EdgePolicies.GatewayCall)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        ops.MapPost("/payouts/{id:guid}/reject", Reject)
            .WithName("OpsRejectPayout")
            .WithSummary("Turn down a payout awaiting approval: it is never sent, and its amount leaves the day's totals; {\"reason\"} required")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        ops.MapPost("/payouts/{id:guid}/retry", Retry)
            .WithName("OpsRetryPayout")
            .WithSummary("Send a failed or refused payout again, under the same withdrawalId; {\"reason\"} required")
            .WithRequestTimeout(EdgePolicies.GatewayCall)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return ops;
    }

    public static async Task<Results<Ok<OpsApi.OpsPage<OpsPayout>>, ValidationProblem>> ListPayouts(
        MerchantDbContext db, IOptions<PayoutOptions> options, TimeProvider time, CancellationToken cancellationToken,
        QueryEnum<PayoutStatus>? status = null, string? label = null, QueryTime? from = null, QueryTime? to = null,
        bool? stale = null, bool? conflict = null, int page = 1, int pageSize = 50)
    {
        var errors = OpsApi.PagingErrors(page, pageSize);
        var wanted = status?.Read(nameof(status), errors);
        OpsApi.CheckTextFilter(label, "label", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var filter = new PayoutQueries.Filter(wanted, label, from?.Utc, to?.Utc, stale,
            SentBefore: time.GetUtcNow() - options.Value.SettlementDeadline, conflict);
        var (items, total) = await PayoutQueries.ListAsync(db, filter, page, pageSize, cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsPayout>(items.Select(OpsPayout.From).ToList(), page, pageSize, total));
    }

    public static async Task<Results<Ok<OpsPayoutDetail>, ProblemHttpResult>> GetPayout(
        Guid id, PayoutStore store, MerchantDbContext db, CancellationToken cancellationToken)
    {
        if (await store.HistoryAsync(id, cancellationToken) is not { } history)
        {
            return Problems.NotFoundResult("payout");
        }
        return TypedResults.Ok(new OpsPayoutDetail(
            OpsPayout.From(history.Payout),
            history.Attempts.Select(a => new OpsPayoutAttempt(a.Attempt, a.Outcome, a.GatewayMessage, a.Error, a.OutcomeUncertain, a.At)).ToList(),
            await OpsActionsApi.OnAsync(db, OpsSubjectType.Payout, [id], cancellationToken),
            history.Transactions.Select(OpsPostbacksApi.OpsTransaction.From).ToList()));
    }

    public static async Task<Results<Ok<OpsPayout>, ValidationProblem, ProblemHttpResult>> Approve(
        Guid id, OpsActionRequest? request, Actor? actor, PayoutReview review,
        IOptions<PayoutOptions> options, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return PayoutsApi.Disabled();
        }
        if (actor is null)
        {
            return Actor.Missing();
        }
        if (OpsAudit.ReadReason(request, OpsActionType.PayoutApprove, out var reason) is { } invalid)
        {
            return invalid;
        }
        return Answer(await review.ApproveAsync(id, actor.Subject, reason, cancellationToken), "approved");
    }

    public static async Task<Results<Ok<OpsPayout>, ValidationProblem, ProblemHttpResult>> Reject(
        Guid id, OpsActionRequest? request, Actor? actor, PayoutReview review,
        CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return Actor.Missing();
        }
        if (OpsAudit.ReadReason(request, OpsActionType.PayoutReject, out var reason) is { } invalid)
        {
            return invalid;
        }
        return Answer(await review.RejectAsync(id, actor.Subject, reason!, cancellationToken), "rejected");
    }

    public static async Task<Results<Ok<OpsPayout>, ValidationProblem, ProblemHttpResult>> Retry(
        Guid id, OpsActionRequest? request, Actor? actor, PayoutReview review,
        IOptions<PayoutOptions> options, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return PayoutsApi.Disabled();
        }
        if (actor is null)
        {
            return Actor.Missing();
        }
        if (OpsAudit.ReadReason(request, OpsActionType.PayoutRetry, out var reason) is { } invalid)
        {
            return invalid;
        }
        return Answer(await review.RetryAsync(id, actor.Subject, reason!, cancellationToken), "retried");
    }

    private static Results<Ok<OpsPayout>, ValidationProblem, ProblemHttpResult> Answer(ReviewResult result, string action) =>
        result.Outcome == ReviewOutcome.Done ? TypedResults.Ok(OpsPayout.From(result.Payout!)) : Refusal(result, action);

    private static ProblemHttpResult Refusal(ReviewResult result, string action) => result.Outcome switch
    {
        ReviewOutcome.NotFound => Problems.NotFoundResult("payout"),
        ReviewOutcome.OwnPayout => PayoutProblems.FourEyes.Result("Four eyes: the approver's token subject must differ from the creator's."),
        _ => PayoutProblems.StatusConflict(action).Result(
            $"It is {Persistence.SnakeCaseEnumConverter<PayoutStatus>.ToText(result.Status)}."),
    };
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Idempotency;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>Payouts as the merchant's back office asks for them (the payouts role; never a user's frontend token).</summary>
public static class PayoutsApi
{
    public static RouteGroupBuilder MapPayoutsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/payouts")
            .WithTags("Payouts")
            .RequireAuthorization(AuthPolicies.Payouts)
            .RequireRateLimiting(EdgePolicies.Ops)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        group.MapPost("/", CreatePayout)
            .WithName("CreatePayout")
            .WithSummary("Pay a user out (the back office has already debited their balance)")
            .WithDescription("Idempotency-Key is required: it is your reference for this payout. The payout is stored before the " +
                             "gateway is called. 202 with its status: sent (the gateway took it; the signed postback will settle it " +
                             "as paid or cancelled), queued (no answer yet: it is retried under the same withdrawalId), refused " +
                             "(the gateway said no: gatewayMessage), awaiting_approval (today's total to this account number, this " +
                             "payout included, is above the approval threshold: an ops user other than you approves it). The account " +
                             "number is read as its digits: spaces and dashes are dropped. The same key with the same body answers " +
                             "the same payout; with another body, 422. 422 daily-limit-reached: the label's payouts today would pass " +
                             "its daily limit; 422 account-daily-limit-reached: the payouts to this account number today would pass its daily limit.")
            .WithRequestTimeout(EdgePolicies.GatewayCall)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id:guid}", GetPayout)
            .WithName("GetPayout")
            .WithSummary("One of your payouts, with its status")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Accepted<PayoutResponse>, ValidationProblem, ProblemHttpResult>> CreatePayout(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CreatePayoutRequest? request,
        [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey,
        Actor? actor,
        PayoutCreator creator,
        IOptions<PayoutOptions> options,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Disabled();
        }
        if (actor is null)
        {
            return Actor.Missing();
        }
        var (valid, errors) = PayoutRules.Validate(request, options.Value);
        IdempotencyHeader.Validate(http.Request, idempotencyKey, errors);
        if (idempotencyKey is null && !errors.ContainsKey(IdempotencyHeader.Name))
        {
            errors[IdempotencyHeader.Name] = ["Required: your own reference for this payout, so that a retry can never pay twice."];
        }
        if (valid is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var result = await creator.CreateAsync(actor.Subject, valid, idempotencyKey!, cancellationToken);
        switch (result.Status)
        {
            case CreatePayoutStatus.Created:
            case CreatePayoutStatus.Replayed:
                if (result.Status == CreatePayoutStatus.Replayed)
                {
                    IdempotencyHeader.MarkReplayed(http.Response);
                }
                return TypedResults.Accepted($"/api/payouts/{result.Payout!.Id}", PayoutResponse.From(result.Payout));
            case CreatePayoutStatus.LabelDailyLimitReached:
                return PayoutProblems.LabelDailyLimit.Result(
                    $"At most {options.Value.DailyLimitPerLabel} per label per UTC day. Nothing was stored.");
            case CreatePayoutStatus.AccountDailyLimitReached:
                return PayoutProblems.AccountDailyLimit.Result(
                    $"At most {options.Value.DailyLimitPerAccount} to one account number per UTC day, whatever the labels. Nothing was stored.");
            default:
                return PayoutProblems.KeyReused.Result(
                    "A key is one payout: use a new key for a new payout.");
        }
    }

    public static async Task<Results<Ok<PayoutResponse>, ProblemHttpResult>> GetPayout(
        Guid id, Actor? actor, PayoutStore store, CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return Actor.Missing();
        }
        // Another creator's payout is as unknown as a missing one.
        return await store.FindAsync(id, cancellationToken) is { } payout && payout.CreatedBy == actor.Subject
            ? TypedResults.Ok(PayoutResponse.From(payout))
            : Problems.NotFoundResult("payout");
    }

    internal static ProblemHttpResult Disabled() =>
        PayoutProblems.Disabled.Result(
            "Set Payouts:Enabled (and Paykassma:WithdrawalPrivateKey) to enable them.");
}

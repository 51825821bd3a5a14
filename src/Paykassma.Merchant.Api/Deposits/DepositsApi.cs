using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Idempotency;
using Paykassma.Merchant.Api.LiveStatus;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Deposits;

public static class DepositsApi
{
    public static RouteGroupBuilder MapDepositsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/deposits")
            .WithTags("Deposits")
            .RequireAuthorization(AuthPolicies.Frontend)
            .RequireCors(EdgePolicies.Frontend)
            .RequireRateLimiting(EdgePolicies.Frontend)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        group.MapPost("/", CreateDeposit)
            .WithName("CreateDeposit")
            .WithSummary("Start a deposit and get the bank requisites to pay to")
            .WithDescription("Asks the gateway for requisites. Send an Idempotency-Key to make retries safe: " +
                             "the same key (same user, same body) answers the same deposit without a second gateway call.")
            .WithRequestTimeout(EdgePolicies.GatewayCall)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        group.MapPost("/window", CreateWindowDeposit)
            .WithName("CreateWindowDeposit")
            .WithSummary("Start a deposit paid through the gateway's payment window")
            .WithDescription("Stores the deposit and answers the window URL to send the user to (no gateway call: the window talks " +
                             "to the gateway). The gateway's signed postback for its customTransactionId confirms it. " +
                             "Idempotency-Key as for POST /api/deposits. 403 payment-window-disabled when Paykassma:PluginBaseUrl is not set.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id:guid}", GetDeposit)
            .WithName("GetDeposit")
            .WithSummary("One of the user's deposits, with its status and confirmed amount")
            .ProducesProblem(StatusCodes.Status404NotFound);
        // The live status stream sits under the deposit it shows, with the group's policies.
        group.MapLiveStatusApi();
        group.MapGet("/", ListDeposits)
            .WithName("ListDeposits")
            .WithSummary("The user's deposits, newest first (status=confirmed: only those)")
            .WithPaging(MaxPageSize);
        return group;
    }

    public static async Task<Results<Created<DepositResponse>, ValidationProblem, ProblemHttpResult>> CreateDeposit(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CreateDepositRequest? request,
        [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey,
        CurrentUser user,
        DepositCreator creator,
        IOptions<DepositOptions> options,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.Amount is { } amount && !options.Value.AllowsAmount(amount))
        {
            errors["amount"] = [options.Value.AmountRule];
        }
        IdempotencyHeader.Validate(http.Request, idempotencyKey, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var result = await creator.CreateAsync(user.Label, request?.Amount, idempotencyKey, cancellationToken);
        switch (result.Status)
        {
            case CreateDepositStatus.Created:
            case CreateDepositStatus.Replayed:
                if (result.Status == CreateDepositStatus.Replayed)
                {
                    IdempotencyHeader.MarkReplayed(http.Response);
                }
                return TypedResults.Created($"/api/deposits/{result.Deposit!.Id}", DepositResponse.From(result.Deposit, []));
            case CreateDepositStatus.GatewayRefused:
                return DepositProblems.GatewayRefused.Result(string.IsNullOrWhiteSpace(result.GatewayMessage) ? "The gateway gave no reason; try again later." : result.GatewayMessage,
                    new Dictionary<string, object?> { ["gatewayMessage"] = result.GatewayMessage });
            case CreateDepositStatus.GatewayFailed:
                return GatewayFailureProblem(http, result.GatewayFailure);
            default:
                return IdempotencyProblem(http, result.Status);
        }
    }

    public static async Task<Results<Created<WindowDepositResponse>, ValidationProblem, ProblemHttpResult>> CreateWindowDeposit(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CreateWindowDepositRequest? request,
        [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey,
        CurrentUser user,
        DepositCreator creator,
        IOptions<DepositOptions> options,
        IOptions<PaymentWindowOptions> window,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        if (window.Value.PluginBaseUrl is null)
        {
            return DepositProblems.PaymentWindowDisabled.Result("Use POST /api/deposits (requisites) instead.");
        }

        var errors = new Dictionary<string, string[]>();
        if (request?.Amount is { } amount && !options.Value.AllowsAmount(amount))
        {
            errors["amount"] = [options.Value.AmountRule];
        }
        if (request?.Lang is { } lang && !PaymentWindow.Lang().IsMatch(lang))
        {
            errors["lang"] = ["Use 2 to 5 ASCII letters or hyphens, a letter first (en, pt-BR)."];
        }
        IdempotencyHeader.Validate(http.Request, idempotencyKey, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var result = await creator.CreateForWindowAsync(user.Label, request?.Amount, request?.Lang, idempotencyKey, cancellationToken);
        if (result.Status is not (CreateDepositStatus.Created or CreateDepositStatus.Replayed))
        {
            return IdempotencyProblem(http, result.Status);
        }
        if (result.Status == CreateDepositStatus.Replayed)
        {
            IdempotencyHeader.MarkReplayed(http.Response);
        }
        var deposit = result.Deposit!;
        return TypedResults.Created($"/api/deposits/{deposit.Id}", new WindowDepositResponse(
            DepositResponse.From(deposit, []), PaymentWindow.Url(window.Value, deposit, request?.Lang ?? PaymentWindow.DefaultLang)));
    }

    /// <summary>The key's answers that are not a deposit: used with another body (422), or still running (409).</summary>
    private static ProblemHttpResult IdempotencyProblem(HttpContext http, CreateDepositStatus status)
    {
        if (status == CreateDepositStatus.IdempotencyKeyReused)
        {
            return DepositProblems.KeyReused.Result("Use a new key for a new request; repeat the same body to retry.");
        }
        http.Response.Headers.RetryAfter = "2";
        return DepositProblems.KeyInProgress.Result("Retry shortly with the same key.");
    }

    public static async Task<Results<Ok<DepositResponse>, ProblemHttpResult>> GetDeposit(
        Guid id, CurrentUser user, MerchantDbContext db, CancellationToken cancellationToken)
    {
        // Someone else's deposit answers exactly like a missing one: ids are not an oracle.
        var deposit = await db.Deposits.AsNoTracking()
            .SingleOrDefaultAsync(d => d.Id == id && d.Label == user.Label, cancellationToken);
        if (deposit is null)
        {
            return Problems.NotFoundResult("deposit");
        }
        var proofs = await ProofQueries.OfDepositAsync(db, id, cancellationToken);
        return TypedResults.Ok(DepositResponse.From(deposit, proofs));
    }

    private const int MaxPageSize = 100;

    public static async Task<Results<Ok<DepositPage>, ValidationProblem>> ListDeposits(
        CurrentUser user, MerchantDbContext db, CancellationToken cancellationToken,
        QueryEnum<DepositStatus>? status = null, int page = 1, int pageSize = 20)
    {
        var errors = Paging.Errors(page, pageSize, MaxPageSize);
        var wanted = status?.Read(nameof(status), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var mine = db.Deposits.AsNoTracking().Where(d => d.Label == user.Label);
        if (wanted is { } only)
        {
            mine = mine.Where(d => d.Status == only);
        }
        var total = await mine.CountAsync(cancellationToken);
        var deposits = await mine.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip(Paging.Offset(page, pageSize)).Take(pageSize).ToListAsync(cancellationToken);
        var proofs = (await ProofQueries.OfDepositsAsync(db, deposits.Select(d => d.Id).ToList(), cancellationToken))
            .ToLookup(p => p.DepositId);
        return TypedResults.Ok(new DepositPage(
            deposits.Select(d => DepositResponse.From(d, proofs[d.Id])).ToList(), page, pageSize, total));
    }

    internal static ProblemHttpResult GatewayFailureProblem(HttpContext http, GatewayFailureKind? failure)
    {
        http.Response.Headers.RetryAfter = "5";
        return failure == GatewayFailureKind.Timeout
            ? DepositProblems.GatewayTimeout.Result("Try again shortly.")
            : DepositProblems.GatewayUnavailable.Result("Try again shortly.");
    }
}

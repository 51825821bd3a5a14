using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Reconciliation;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>What operations staff look at (and the few things they may do), behind the ops role.</summary>
public static class OpsApi
{
    public sealed record OpsProof(
        Guid Id,
        Guid DepositId,
        string Label,
        ProofStatus Status,
        string TransactionNumber,
        int Amount,
        string CustomTransactionId,
        string? GatewayMessage,
        int Attempts,
        int AttemptLimit,
        bool OutcomeUncertain,
        string? LastError,
        DateTimeOffset? NextAttemptAt,
        string ScreenshotFileName,
        string ScreenshotContentType,
        long ScreenshotSize,
        string ScreenshotSha256,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        DateTimeOffset? ForwardedAt)
    {
        public static OpsProof From(Proof p) => new(p.Id, p.DepositId, p.Label, p.Status, p.TransactionNumber, p.Amount,
            p.CustomTransactionId, p.GatewayMessage, p.Attempts, p.AttemptLimit, p.OutcomeUncertain, p.LastError,
            p.NextAttemptAt, p.ScreenshotFileName, p.ScreenshotContentType, p.ScreenshotSize, p.ScreenshotSha256,
            p.CreatedAt, p.UpdatedAt, p.ForwardedAt);
    }

    public sealed record OpsPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

    public static RouteGroupBuilder MapOpsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ops")
            .WithTags("Operations")
            .RequireAuthorization(AuthPolicies.Ops)
            .RequireRateLimiting(EdgePolicies.Ops)
            .WithPaging(MaxPageSize)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        // In the order of their resources (attention, deposits, proofs, postbacks, transactions, payouts, events, actions, reconciliation): Swagger UI
        // lists them so, the list to start the day with first.
        group.MapOpsAttention();
        group.MapOpsDeposits();
        group.MapGet("/proofs", ListProofs)
            .WithName("OpsListProofs")
            .WithSummary("Proofs by status or deposit, newest first (status=failed: the ones needing attention)");
        group.MapPost("/proofs/{id:guid}/retry", RetryProof)
            .WithName("OpsRetryProof")
            .WithSummary("Queue a failed proof for delivery again; {\"reason\"} required")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapOpsPostbacks();
        group.MapOpsPayouts();
        group.MapOpsEvents();
        group.MapOpsActions();
        group.MapOpsReconciliation();
        group.MapOpsSession();
        return group;
    }

    /// <summary>The largest page of every ops list (the group declares it for the document).</summary>
    internal const int MaxPageSize = 200;

    internal static Dictionary<string, string[]> PagingErrors(int page, int pageSize) => Paging.Errors(page, pageSize, MaxPageSize);

    /// <summary>
    /// A free-text filter (label, transaction id…): PostgreSQL text cannot hold a NUL, so a value
    /// with one could never match anything; it is the client's mistake, reported under its name.
    /// </summary>
    internal static void CheckTextFilter(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            errors[name] = ["Must not contain a NUL character."];
        }
    }

    public static async Task<Results<Ok<OpsPage<OpsProof>>, ValidationProblem>> ListProofs(
        MerchantDbContext db, CancellationToken cancellationToken,
        QueryEnum<ProofStatus>? status = null, Guid? depositId = null, string? label = null, int page = 1, int pageSize = 50)
    {
        var errors = PagingErrors(page, pageSize);
        var wanted = status?.Read(nameof(status), errors);
        CheckTextFilter(label, "label", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var (items, total) = await ProofQueries.ListAsync(db, wanted, depositId, label, page, pageSize, cancellationToken);
        return TypedResults.Ok(new OpsPage<OpsProof>(items.Select(OpsProof.From).ToList(), page, pageSize, total));
    }

    public static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> RetryProof(
        Guid id, OpsActionRequest? request, Actor? actor, ProofStore store,
        IOptions<ProofOptions> options, CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return Actor.Missing();
        }
        if (OpsAudit.ReadReason(request, OpsActionType.ProofRetry, out var reason) is { } invalid)
        {
            return invalid;
        }
        return await store.RequeueFailedAsync(id, options.Value.Dispatcher.MaxAttempts, actor.Subject, reason!, cancellationToken)
            ? TypedResults.Accepted((string?)null)
            : ProofProblems.NoFailedProof.Result(
                "Only a failed proof can be retried: GET /api/ops/proofs?status=failed lists them.");
    }
}

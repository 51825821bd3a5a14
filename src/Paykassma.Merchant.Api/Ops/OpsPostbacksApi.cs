using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>Received postbacks and the signed transactions they brought, for "where is my money?".</summary>
public static partial class OpsPostbacksApi
{
    public sealed record ReverifyResponse(Guid PostbackId, PostbackOutcome Outcome, string? RejectReason);

    public static RouteGroupBuilder MapOpsPostbacks(this RouteGroupBuilder ops)
    {
        ops.MapGet("/postbacks", ListPostbacks)
            .WithName("OpsListPostbacks")
            .WithSummary("Received postbacks, newest first: by gateway transaction id, verified or not, outcome, time range");
        ops.MapGet("/postbacks/{id:guid}", GetPostback)
            .WithName("OpsGetPostback")
            .WithSummary("One postback: raw body, verification outcome, discrepancies, transactions and their deposits")
            .ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapPost("/postbacks/{id:guid}/reverify", Reverify)
            .WithName("OpsReverifyPostback")
            .WithSummary("Verify a stored rejected or held postback again with the current keys and code (after a key or bug fix); applied if genuine. "
                + "Body optional: {\"reason\"}")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        ops.MapGet("/transactions", ListTransactions)
            .WithName("OpsListTransactions")
            .WithSummary("Signed gateway transactions: by gateway id, our custom order id, direction, deposit, matched or not, "
                + "and the ones that credited nothing (unapplied=true, or reason=…), newest first");
        return ops;
    }

    public static async Task<Results<Ok<OpsApi.OpsPage<OpsPostbackSummary>>, ValidationProblem>> ListPostbacks(
        MerchantDbContext db, CancellationToken cancellationToken,
        string? transactionId = null, bool? verified = null, QueryEnum<PostbackOutcome>? outcome = null, string? reason = null,
        QueryTime? from = null, QueryTime? to = null, int page = 1, int pageSize = 50)
    {
        var errors = OpsApi.PagingErrors(page, pageSize);
        var wanted = outcome?.Read(nameof(outcome), errors);
        OpsApi.CheckTextFilter(transactionId, "transactionId", errors);
        OpsApi.CheckTextFilter(reason, "reason", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var filter = new PostbackQueries.Filter(transactionId, verified, wanted, reason, from?.Utc, to?.Utc);
        var (items, total) = await PostbackQueries.ListAsync(db, filter, page, pageSize, cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsPostbackSummary>(items.Select(OpsPostbackSummary.From).ToList(), page, pageSize, total));
    }

    public static async Task<Results<Ok<OpsPostbackDetail>, ProblemHttpResult>> GetPostback(
        Guid id, MerchantDbContext db, CancellationToken cancellationToken)
    {
        var postback = await PostbackQueries.FindAsync(db, id, cancellationToken);
        if (postback is null)
        {
            return Problems.NotFoundResult("postback");
        }
        var repeats = await PostbackQueries.RepeatsAsync(db, id, cancellationToken);
        var transactions = await PostbackQueries.OfPostbackAsync(db, postback, cancellationToken);
        JsonElement? discrepancies = null;
        if (postback.Discrepancies is not null)
        {
            using var parsed = JsonDocument.Parse(postback.Discrepancies);
            discrepancies = parsed.RootElement.Clone();
        }
        return TypedResults.Ok(new OpsPostbackDetail(
            OpsPostbackSummary.From(postback), postback.RejectDetail, postback.Signature, postback.AccessKey, postback.BodySha256,
            postback.BodyTruncated, Utf8OrNull(postback.Body), Convert.ToBase64String(postback.Body), discrepancies,
            transactions.Select(OpsTransaction.From).ToList(),
            await OpsActionsApi.OnAsync(db, OpsSubjectType.Postback, [id], cancellationToken),
            OpsPostbackRepeats.From(repeats)));
    }

    public static async Task<Results<Ok<ReverifyResponse>, ValidationProblem, ProblemHttpResult>> Reverify(
        Guid id, OpsActionRequest? request, Actor? actor,
        MerchantDbContext db, PostbackReceiver receiver, CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return Actor.Missing();
        }
        if (OpsAudit.ReadReason(request, OpsActionType.PostbackReverify, out var reason) is { } invalid)
        {
            return invalid;
        }
        var postback = await PostbackQueries.FindAsync(db, id, cancellationToken);
        if (postback is null)
        {
            return Problems.NotFoundResult("postback");
        }
        var result = await receiver.ReverifyAsync(postback, actor.Subject, reason, cancellationToken);
        if (result is null)
        {
            return PostbackProblems.NotRejected.Result($"Its outcome is {postback.Outcome}.");
        }
        if (result.Answer != PostbackAnswer.Ok)
        {
            return PostbackProblems.StillRejected.Result($"Reason: {result.Reason}.",
                new Dictionary<string, object?> { ["reason"] = result.Reason });
        }
        return TypedResults.Ok(new ReverifyResponse(id, result.Outcome, null));
    }

    public static async Task<Results<Ok<OpsApi.OpsPage<OpsTransaction>>, ValidationProblem>> ListTransactions(
        MerchantDbContext db, CancellationToken cancellationToken,
        string? transactionId = null, string? customOrderId = null, QueryEnum<TransactionDirection>? direction = null, Guid? depositId = null,
        bool? matched = null, bool? unapplied = null, QueryChoice<UnappliedReasons>? reason = null, int page = 1, int pageSize = 50)
    {
        var errors = OpsApi.PagingErrors(page, pageSize);
        var wanted = direction?.Read(nameof(direction), errors);
        var unappliedReason = reason?.Read(nameof(reason), errors);
        OpsApi.CheckTextFilter(transactionId, "transactionId", errors);
        OpsApi.CheckTextFilter(customOrderId, "customOrderId", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var filter = new PostbackQueries.TransactionFilter(transactionId, customOrderId, wanted, depositId, matched, unapplied, unappliedReason);
        var (items, total) = await PostbackQueries.ListTransactionsAsync(db, filter, page, pageSize, cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsTransaction>(items.Select(OpsTransaction.From).ToList(), page, pageSize, total));
    }

    private static string? Utf8OrNull(byte[] body)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

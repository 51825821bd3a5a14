using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
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

        var query = db.Postbacks.AsNoTracking();
        if (!string.IsNullOrEmpty(transactionId))
        {
            query = query.Where(p => p.TransactionIds.Contains(transactionId));
        }
        if (verified is { } v)
        {
            query = v ? query.Where(p => p.Outcome != PostbackOutcome.Rejected) : query.Where(p => p.Outcome == PostbackOutcome.Rejected);
        }
        if (wanted is { } o)
        {
            query = query.Where(p => p.Outcome == o);
        }
        if (!string.IsNullOrEmpty(reason))
        {
            query = query.Where(p => p.RejectReason == reason);
        }
        if (from is { } f)
        {
            query = query.Where(p => p.ReceivedAt >= f.Utc);
        }
        if (to is { } t)
        {
            query = query.Where(p => p.ReceivedAt < t.Utc);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.Id)
            .Skip(Paging.Offset(page, pageSize)).Take(pageSize)
            .WithoutBody()
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsPostbackSummary>(items.Select(OpsPostbackSummary.From).ToList(), page, pageSize, total));
    }

    public static async Task<Results<Ok<OpsPostbackDetail>, ProblemHttpResult>> GetPostback(
        Guid id, MerchantDbContext db, CancellationToken cancellationToken)
    {
        var postback = await db.Postbacks.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (postback is null)
        {
            return Problems.NotFoundResult("postback");
        }
        var repeats = await db.PostbackRepeats.AsNoTracking().SingleOrDefaultAsync(r => r.PostbackId == id, cancellationToken);

        var ids = postback.TransactionIds;
        var transactions = await db.GatewayTransactions.AsNoTracking()
            .Where(t => t.PostbackId == id)
            .Concat(db.GatewayTransactions.AsNoTracking().CarryingAny(ids))
            .OrderBy(t => t.StoredAt).ToListAsync(cancellationToken);
        // What it brought first and what it carried again, each fact once (json has no equality for UNION).
        transactions = transactions.DistinctBy(t => t.Id).ToList();
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
        var postback = await db.Postbacks.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (postback is null)
        {
            return Problems.NotFoundResult("postback");
        }
        var repeats = await db.PostbackRepeats.AsNoTracking().SingleOrDefaultAsync(r => r.PostbackId == id, cancellationToken);
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

        var query = db.GatewayTransactions.AsNoTracking();
        if (!string.IsNullOrEmpty(transactionId))
        {
            query = query.CarryingAny([transactionId]);
        }
        if (!string.IsNullOrEmpty(customOrderId))
        {
            query = query.Where(t => t.CustomOrderId == customOrderId);
        }
        if (wanted is { } d)
        {
            query = query.Where(t => t.Direction == d);
        }
        if (depositId is { } deposit)
        {
            query = query.Where(t => t.DepositId == deposit);
        }
        if (matched is { } m)
        {
            query = m ? query.Where(t => t.DepositId != null) : query.Where(t => t.DepositId == null);
        }
        if (unapplied is { } u)
        {
            query = u ? query.Where(t => t.UnappliedReason != null) : query.Where(t => t.UnappliedReason == null);
        }
        if (unappliedReason is not null)
        {
            query = query.Where(t => t.UnappliedReason == unappliedReason);
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(t => t.StoredAt).Skip(Paging.Offset(page, pageSize)).Take(pageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsTransaction>(items.Select(OpsTransaction.From).ToList(), page, pageSize, total));
    }

    /// <summary>Everything but the body: a list of summaries need not carry megabytes of junk.</summary>
    internal static IQueryable<PostbackRecord> WithoutBody(this IQueryable<PostbackRecord> postbacks) =>
        postbacks.Select(p => new PostbackRecord
        {
            Id = p.Id, ReceivedAt = p.ReceivedAt, Outcome = p.Outcome, RejectReason = p.RejectReason, VerifiedWith = p.VerifiedWith,
            Format = p.Format, Direction = p.Direction, Amount = p.Amount, Label = p.Label, TransactionIds = p.TransactionIds,
            TransactionCount = p.TransactionCount, NewTransactionCount = p.NewTransactionCount, Discrepancies = p.Discrepancies,
            BodyLength = p.BodyLength, RemoteIp = p.RemoteIp, ReverifiedAt = p.ReverifiedAt, Body = Array.Empty<byte>(),
            BodySha256 = p.BodySha256,
        });

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

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>Who did what, when and why: every ops action that changed state, newest first.</summary>
public static class OpsActionsApi
{
    /// <param name="SubjectId">The payout, proof, event or postback it was done to (see SubjectType).</param>
    /// <param name="Detail">A small object of facts about the action, or null: an event's <c>type</c>, the key a postback verified with.</param>
    public sealed record OpsActionEntry(
        long Id,
        DateTimeOffset At,
        string Actor,
        OpsActionType Action,
        OpsSubjectType SubjectType,
        Guid SubjectId,
        string? Reason,
        JsonElement? Detail)
    {
        public static OpsActionEntry From(OpsAction a)
        {
            JsonElement? detail = null;
            if (a.Detail is not null)
            {
                using var parsed = JsonDocument.Parse(a.Detail);
                detail = parsed.RootElement.Clone();
            }
            return new(a.Id, a.At, a.Actor, a.Action, a.SubjectType, a.SubjectId, a.Reason, detail);
        }
    }

    public static RouteGroupBuilder MapOpsActions(this RouteGroupBuilder ops)
    {
        ops.MapGet("/actions", ListActions)
            .WithName("OpsListActions")
            .WithSummary("Every ops action that changed state (approve, reject, retry, redeliver, reverify…) with its actor and reason, "
                + "newest first: by subject id, actor, action and time range");
        return ops;
    }

    public static async Task<Results<Ok<OpsApi.OpsPage<OpsActionEntry>>, ValidationProblem>> ListActions(
        MerchantDbContext db, CancellationToken cancellationToken,
        Guid? subjectId = null, string? actor = null, QueryEnum<OpsActionType>? action = null, QueryTime? from = null, QueryTime? to = null,
        int page = 1, int pageSize = 50)
    {
        var errors = OpsApi.PagingErrors(page, pageSize);
        var wanted = action?.Read(nameof(action), errors);
        OpsApi.CheckTextFilter(actor, "actor", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var query = db.OpsActions.AsNoTracking();
        if (subjectId is { } subject)
        {
            query = query.Where(a => a.SubjectId == subject);
        }
        if (!string.IsNullOrEmpty(actor))
        {
            query = query.Where(a => a.Actor == actor);
        }
        if (wanted is { } w)
        {
            query = query.Where(a => a.Action == w);
        }
        if (from is { } f)
        {
            query = query.Where(a => a.At >= f.Utc);
        }
        if (to is { } t)
        {
            query = query.Where(a => a.At < t.Utc);
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(Paging.Offset(page, pageSize)).Take(pageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsActionEntry>(items.Select(OpsActionEntry.From).ToList(), page, pageSize, total));
    }

    /// <summary>The actions on some subjects, oldest first, for a detail view (a payout's, a deposit's proofs', a postback's).</summary>
    internal static async Task<IReadOnlyList<OpsActionEntry>> OnAsync(
        MerchantDbContext db, OpsSubjectType type, IReadOnlyCollection<Guid> subjectIds, CancellationToken cancellationToken)
    {
        if (subjectIds.Count == 0)
        {
            return [];
        }
        var actions = await db.OpsActions.AsNoTracking()
            .Where(a => a.SubjectType == type && subjectIds.Contains(a.SubjectId))
            .OrderBy(a => a.At).ThenBy(a => a.Id).Take(500)
            .ToListAsync(cancellationToken);
        return actions.Select(OpsActionEntry.From).ToList();
    }
}

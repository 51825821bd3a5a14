using Microsoft.AspNetCore.Http.HttpResults;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>One thing a person must act on.</summary>
/// <param name="SubjectType">What <c>subjectId</c> is: a deposit, proof, payout, postback, signed transaction or money event.</param>
/// <param name="Since">When the stuck state began (the proof was forwarded, the payout refused, the event given up…); the list is oldest first.</param>
/// <param name="Amount">The money at stake, in <c>currency</c> (null where there is none, e.g. a held postback).</param>
/// <param name="Reason">One line a person understands, with the gateway's message, the unapplied reason or the status where useful.</param>
/// <param name="Resolve">The ops calls that settle it, ids filled in, in the order to try them.</param>
/// <param name="Seen">Who marked it seen, when and why (only with <c>?seen=true</c>).</param>
public sealed record AttentionEntry(
    AttentionKind Kind,
    OpsSubjectType SubjectType,
    Guid SubjectId,
    DateTimeOffset Since,
    decimal? Amount,
    string? Currency,
    string Reason,
    IReadOnlyList<AttentionCall> Resolve,
    AttentionSeenBy? Seen);

/// <param name="Note">What the person did or found, as they wrote it.</param>
public sealed record AttentionSeenBy(DateTimeOffset At, string Actor, string? Note);

public sealed record AttentionKindCount(AttentionKind Kind, long Count);

/// <param name="Total">Entries of the kind asked for (all kinds without <c>kind=</c>).</param>
/// <param name="ByKind">Every kind with its count (whatever <c>kind=</c> asked), seen or not as <c>seen=</c> says.</param>
public sealed record AttentionPage(IReadOnlyList<AttentionEntry> Items, int Page, int PageSize, long Total, IReadOnlyList<AttentionKindCount> ByKind);

/// <summary>The body of a seen mark: what was done or found, kept with who marked it (required).</summary>
public sealed record AttentionSeenRequest(string? Note);

/// <summary>
/// "Which money is stuck, and what do I do about it?": one list of everything that needs a person,
/// oldest first, and the mark that says a person has dealt with an entry (ADR 0016).
/// </summary>
public static class AttentionApi
{
    public static RouteGroupBuilder MapOpsAttention(this RouteGroupBuilder ops)
    {
        ops.MapGet("/attention", ListAttention)
            .WithName("OpsListAttention")
            .WithSummary("Start the day here: everything that needs a person, oldest first, each with what to do "
                + "(kind=: one kind; seen=true: the entries marked seen, with who, when and the note)");
        ops.MapPost("/attention/{kind}/{subjectId:guid}/seen", MarkSeen)
            .WithName("OpsMarkAttentionSeen")
            .WithSummary("Mark an entry seen: hidden from the list while its state is unchanged (a new failure brings it back); "
                + "{\"note\"} required, kept in GET /api/ops/actions. kind is one of the list's kinds (proof_unconfirmed, payout_failed, …)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return ops;
    }

    public static async Task<Results<Ok<AttentionPage>, ValidationProblem>> ListAttention(
        AttentionStore store, CancellationToken cancellationToken,
        QueryEnum<AttentionKind>? kind = null, bool seen = false, int page = 1, int pageSize = 50)
    {
        var errors = OpsApi.PagingErrors(page, pageSize);
        var wanted = kind?.Read(nameof(kind), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var (rows, counts) = await store.PageAsync(wanted, seen, Paging.Offset(page, pageSize), pageSize, cancellationToken);
        var byKind = AttentionKinds.All.Select(k => new AttentionKindCount(k.Kind, counts.GetValueOrDefault(k.Name))).ToList();
        var total = wanted is { } only ? byKind.Single(c => c.Kind == only).Count : byKind.Sum(c => c.Count);
        return TypedResults.Ok(new AttentionPage(rows.Select(Entry).ToList(), page, pageSize, total, byKind));
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> MarkSeen(
        string kind, Guid subjectId, AttentionSeenRequest? request, Actor? actor, AttentionStore store, CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return Actor.Missing();
        }
        if (!SnakeCaseEnumConverter<AttentionKind>.TryParse(kind, out var known))
        {
            return AttentionProblems.NoSuchKind.Result(
                $"One of: {SnakeCaseEnumConverter<AttentionKind>.AllowedValues()}.");
        }
        if (OpsAudit.ReadReason(request?.Note, "note", OpsActionType.AttentionSeen, out var note) is { } invalid)
        {
            return invalid;
        }
        return await store.MarkSeenAsync(known, subjectId, actor.Subject, note!, cancellationToken)
            ? TypedResults.NoContent()
            : AttentionProblems.NoUnseenEntry.Result(
                "It is settled, not yet due, already marked seen (GET /api/ops/attention?seen=true), or the id is another kind's.");
    }

    private static AttentionEntry Entry(AttentionRow row)
    {
        var spec = AttentionKinds.Of(row.Kind);
        var facts = new AttentionFacts(row.Facts);
        return new AttentionEntry(row.Kind, spec.Subject, row.SubjectId, row.Since, row.Amount, row.Currency,
            spec.Reason(facts), spec.Resolve(row.SubjectId, facts),
            row.SeenAt is { } at ? new AttentionSeenBy(at, row.SeenBy!, row.SeenNote) : null);
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>The money events for the ledger: which were delivered, which wait or failed, and sending one again.</summary>
public static class OpsEventsApi
{
    public sealed record OpsEvent(
        Guid Id,
        string Type,
        Guid SubjectId,
        EventStatus Status,
        int Attempts,
        string? LastError,
        DateTimeOffset? NextAttemptAt,
        DateTimeOffset CreatedAt,
        DateTimeOffset? DeliveredAt,
        JsonElement Data)
    {
        public static OpsEvent From(OutboxEvent e)
        {
            using var data = JsonDocument.Parse(e.Data);
            return new(e.Id, e.Type, e.SubjectId, e.Status, e.Attempts, e.LastError, e.NextAttemptAt, e.CreatedAt, e.DeliveredAt,
                data.RootElement.Clone());
        }
    }

    public static RouteGroupBuilder MapOpsEvents(this RouteGroupBuilder ops)
    {
        ops.MapGet("/events", ListEvents)
            .WithName("OpsListEvents")
            .WithSummary("Money events for the ledger by status, type and subject, newest first (status=failed: the ones the ledger never got)");
        ops.MapPost("/events/{id:guid}/redeliver", Redeliver)
            .WithName("OpsRedeliverEvent")
            .WithSummary("Send a failed (or delivered) event to the ledger again, under the same webhook-id. Body optional: {\"reason\"}; "
                + "who did it: GET /api/ops/actions?subjectId={id}")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return ops;
    }

    public static async Task<Results<Ok<OpsApi.OpsPage<OpsEvent>>, ValidationProblem>> ListEvents(
        MerchantDbContext db, CancellationToken cancellationToken,
        QueryEnum<EventStatus>? status = null, QueryChoice<EventTypes>? type = null, Guid? subjectId = null, int page = 1, int pageSize = 50)
    {
        var errors = OpsApi.PagingErrors(page, pageSize);
        var wanted = status?.Read(nameof(status), errors);
        var wantedType = type?.Read(nameof(type), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var (items, total) = await EventQueries.ListAsync(db, wanted, wantedType, subjectId, page, pageSize, cancellationToken);
        return TypedResults.Ok(new OpsApi.OpsPage<OpsEvent>(items.Select(OpsEvent.From).ToList(), page, pageSize, total));
    }

    public static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> Redeliver(
        Guid id, OpsActionRequest? request, Actor? actor,
        NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        if (actor is null)
        {
            return Actor.Missing();
        }
        if (OpsAudit.ReadReason(request, OpsActionType.EventRedeliver, out var reason) is { } invalid)
        {
            return invalid;
        }
        await using var command = dataSource.CreateCommand(EventStatements.Redeliver);
        command.Parameters.With(id).With(time.GetUtcNow()).With(actor.Subject).WithText(reason, OpsAudit.MaxReasonLength);
        return await command.ExecuteScalarAsync(cancellationToken) is not null
            ? TypedResults.Accepted((string?)null)
            : EventProblems.NotRedeliverable.Result(
                "An event still pending is already being delivered.");
    }
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// <c>/sandbox/postbacks</c>: see the postbacks sent, and send one on demand, in the spirit of a payments
/// CLI's "trigger". No secret: a local tool, like the other control endpoints.
/// </summary>
internal static class PostbacksApi
{
    private const string ExampleTrigger = """{"kind":"transaction","customTransactionId":"order-1","amount":300,"label":"user-1"}""";

    public static IEndpointRouteBuilder MapPostbacksApi(this IEndpointRouteBuilder app)
    {
        var postbacks = app.MapGroup("/sandbox/postbacks").WithTags("Sandbox postbacks");
        postbacks.MapGet("/", List);
        postbacks.MapGet("/{id}", Get);
        postbacks.MapGet("/{id}/body", GetBody);
        postbacks.MapPost("/", TriggerAsync);
        postbacks.MapPost("/{id}/resend", ResendAsync);
        postbacks.MapDelete("/", (PostbackStore store) =>
        {
            store.Clear();
            return TypedResults.NoContent();
        });
        return app;
    }

    private static Ok<PostbackSummary[]> List(PostbackStore store, string? customTransactionId, string? withdrawalId) =>
        TypedResults.Ok(store.List(customTransactionId, withdrawalId).Select(record => record.ToSummary()).ToArray());

    private static Results<Ok<PostbackDetail>, NotFound, ValidationProblem> Get(string id, PostbackStore store) =>
        Find(id, store) switch
        {
            (_, { } invalid) => invalid,
            ({ } record, _) => TypedResults.Ok(record.ToDetail()),
            _ => TypedResults.NotFound(),
        };

    /// <summary>The wire bytes alone, for byte-exact comparisons and for replaying with curl.</summary>
    private static Results<FileContentHttpResult, NotFound, ValidationProblem> GetBody(string id, PostbackStore store) =>
        Find(id, store) switch
        {
            (_, { } invalid) => invalid,
            ({ } record, _) => TypedResults.File(record.Body.ToArray(), "application/json"),
            _ => TypedResults.NotFound(),
        };

    /// <summary>
    /// Reads the body by hand, as the faults endpoint does: people trigger postbacks with curl, and model
    /// binding would answer a typo with an empty 400 instead of naming the field.
    /// </summary>
    private static async Task<Results<Created<PostbackDetail>, ValidationProblem>> TriggerAsync(
        HttpRequest http, PostbackTriggers triggers, PostbackOutbox outbox, IOptions<JsonOptions> json)
    {
        PostbackTriggerRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<PostbackTriggerRequest>(
                http.Body, json.Value.SerializerOptions, http.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return TypedResults.ValidationProblem(Explain(exception));
        }

        if (request is null)
        {
            return Invalid("body", $"body must be a JSON object like {ExampleTrigger}");
        }

        var outcome = triggers.Create(request);
        if (outcome.Record is not { } record)
        {
            return TypedResults.ValidationProblem(outcome.Errors);
        }

        await outbox.SendNowAsync(record, outcome.Copies);
        return TypedResults.Created($"/sandbox/postbacks/{record.Facts.Id}", record.ToDetail());
    }

    private static async Task<Results<Ok<PostbackDetail>, NotFound, ValidationProblem, ProblemHttpResult>> ResendAsync(
        string id, PostbackStore store, PostbackOutbox outbox)
    {
        var (record, invalid) = Find(id, store);
        if (invalid is not null)
        {
            return invalid;
        }

        if (record is null)
        {
            return TypedResults.NotFound();
        }

        if (!outbox.CanSend)
        {
            return TypedResults.Problem(
                "Sandbox:PostbackUrl is not set, so there is nowhere to send postbacks to.",
                statusCode: StatusCodes.Status409Conflict);
        }

        await outbox.ResendAsync(record);
        return TypedResults.Ok(record.ToDetail());
    }

    private static (PostbackRecord? Record, ValidationProblem? Invalid) Find(string id, PostbackStore store) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? (store.Find(number), null)
            : (null, Invalid("id", "id must be a postback id (a whole number)"));

    /// <summary>Names the field whose value could not be read, from the JSON path the serializer reports.</summary>
    private static Dictionary<string, string[]> Explain(JsonException exception)
    {
        var path = exception.Path ?? "$";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('.', '[')[0] : null;
        if (field is null)
        {
            return new() { ["body"] = [$"body must be a JSON object like {ExampleTrigger}"] };
        }

        return PostbackTriggerRequest.Expected.TryGetValue(field, out var expected)
            ? new() { [field] = [$"{field} must be {expected}"] }
            : new() { [field] = [$"{field} is not a field of a postback trigger (see the sandbox README)"] };
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

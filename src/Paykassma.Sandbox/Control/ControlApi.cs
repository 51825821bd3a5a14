using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Deposits;
using Paykassma.Sandbox.Faults;
using Paykassma.Sandbox.Proofs;

namespace Paykassma.Sandbox.Control;

/// <summary>
/// <c>/sandbox/…</c>: look at what the sandbox received and switch faults on and off. No secret: this is a
/// local tool, and tests must be able to inspect it without knowing how the client under test is configured.
/// </summary>
internal static class ControlApi
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/sandbox").WithTags("Sandbox control");

        control.MapGet("/possible-transactions", (ProofStore store) => TypedResults.Ok(store.List()));
        control.MapGet("/possible-transactions/{customTransactionId}", GetProof);
        control.MapGet("/possible-transactions/{customTransactionId}/screenshot", GetScreenshot);
        control.MapDelete("/possible-transactions", (ProofStore store) =>
        {
            store.Clear();
            return TypedResults.NoContent();
        });

        control.MapGet("/deposits", (DepositRequestLog log) => TypedResults.Ok(log.List()));
        control.MapDelete("/deposits", (DepositRequestLog log) =>
        {
            log.Clear();
            return TypedResults.NoContent();
        });

        control.MapGet("/faults", (FaultSwitch faults) => TypedResults.Ok(FaultView.Of(faults.Current)));
        control.MapPost("/faults", SetFaultAsync);
        return app;
    }

    private static Results<Ok<ReceivedProof>, NotFound> GetProof(string customTransactionId, ProofStore store) =>
        store.Find(customTransactionId) is { } proof ? TypedResults.Ok(proof) : TypedResults.NotFound();

    private static Results<FileContentHttpResult, NotFound, ProblemHttpResult> GetScreenshot(
        string customTransactionId, ProofStore store)
    {
        if (store.Find(customTransactionId) is not { Screenshot: var screenshot })
        {
            return TypedResults.NotFound();
        }

        if (screenshot.Bytes is null)
        {
            return TypedResults.Problem(
                "Screenshot bytes are not kept (Sandbox:KeepScreenshotBytes is false); its size and SHA-256 are in the proof.",
                statusCode: StatusCodes.Status404NotFound);
        }

        // The content type is whatever the client claimed; one that is not a valid header value would
        // make Kestrel throw while writing the answer, so it is served as plain bytes instead.
        var contentType = MediaTypeHeaderValue.TryParse(screenshot.ContentType, out _) && screenshot.ContentType!.All(char.IsAscii)
            ? screenshot.ContentType
            : "application/octet-stream";
        return TypedResults.File(screenshot.Bytes, contentType);
    }

    /// <summary>Body of <c>POST /sandbox/faults</c>; every field but <c>mode</c> is optional.</summary>
    internal sealed record FaultRequest(string? Mode, double? Seconds, double? StallSeconds, string? Message);

    /// <summary>The fault as shown to people: lower-case mode, seconds rather than TimeSpan text.</summary>
    internal sealed record FaultView(FaultMode Mode, DateTimeOffset? Until, double? StallSeconds, string? Message)
    {
        public static FaultView Of(FaultState state) => state.Mode switch
        {
            FaultMode.None => new(FaultMode.None, null, null, null),
            FaultMode.Stall => new(state.Mode, state.Until, state.StallFor.TotalSeconds, null),
            FaultMode.Refuse => new(state.Mode, state.Until, null, state.Message),
            _ => new(state.Mode, state.Until, null, null),
        };
    }

    private const string ExampleFaultRequest = """{"mode":"down","seconds":30}""";
    private const double MaxFaultSeconds = 7 * 24 * 3600;
    private const double MaxStallSeconds = 3600;

    /// <summary>
    /// Reads the body by hand: people switch faults with curl, and model binding would answer a typo in the
    /// JSON or a missing content type with an empty 400 instead of saying what is wrong.
    /// </summary>
    private static async Task<Results<Ok<FaultView>, ValidationProblem>> SetFaultAsync(
        HttpRequest http, FaultSwitch faults, IOptions<SandboxOptions> options, IOptions<JsonOptions> json)
    {
        FaultRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<FaultRequest>(
                http.Body, json.Value.SerializerOptions, http.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = [$"body must be JSON like {ExampleFaultRequest}: {exception.Message}"],
            });
        }

        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = [$"body must be JSON like {ExampleFaultRequest}"],
            });
        }

        Dictionary<string, string[]> errors = [];
        // Names only: Enum.TryParse would also take "2" or "down, stall" (which it ORs into another mode).
        FaultMode? mode = request.Mode is not null && FaultModes.ByName.TryGetValue(request.Mode.Trim(), out var named) ? named : null;
        if (mode is null)
        {
            errors["mode"] = [$"mode must be one of: {FaultModes.Names}"];
        }

        if (request.Seconds is { } seconds && !(seconds > 0 && seconds <= MaxFaultSeconds))
        {
            errors["seconds"] = [$"seconds must be greater than 0 and at most {MaxFaultSeconds} (leave it out for 'until set to none')"];
        }

        if (request.StallSeconds is { } stall && !(stall >= 0 && stall <= MaxStallSeconds))
        {
            errors["stallSeconds"] = [$"stallSeconds must be between 0 and {MaxStallSeconds}"];
        }

        if (errors.Count > 0 || mode is not { } chosenMode)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var state = faults.Set(
            chosenMode,
            request.Seconds is { } duration ? TimeSpan.FromSeconds(duration) : null,
            request.StallSeconds is { } stallFor ? TimeSpan.FromSeconds(stallFor) : options.Value.StallDuration,
            string.IsNullOrWhiteSpace(request.Message) ? null : request.Message);
        return TypedResults.Ok(FaultView.Of(state));
    }
}

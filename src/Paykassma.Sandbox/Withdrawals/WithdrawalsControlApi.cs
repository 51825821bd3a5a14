using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Postbacks;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>
/// <c>/sandbox/withdrawals…</c>: see the payouts received and settle one with any status. No secret, like
/// the other control endpoints; the signing key is never shown by any of them.
/// </summary>
internal static class WithdrawalsControlApi
{
    private const string ExampleSettle = """{"withdrawalStatus":6}""";

    public static IEndpointRouteBuilder MapWithdrawalsControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/sandbox").WithTags("Sandbox withdrawals");

        control.MapGet("/withdrawals", (WithdrawalStore store) => TypedResults.Ok(store.List()));
        control.MapGet("/withdrawals/{withdrawalId}", Get);
        control.MapPost("/withdrawals/{withdrawalId}/settle", SettleAsync);
        control.MapDelete("/withdrawals", (WithdrawalStore store) =>
        {
            store.Clear();
            return TypedResults.NoContent();
        });

        control.MapGet("/withdrawal-balance", (WithdrawalStore store) => TypedResults.Ok(store.Balance()));

        control.MapGet("/withdrawal-requests", (WithdrawalRequestLog log) => TypedResults.Ok(log.List()));
        control.MapDelete("/withdrawal-requests", (WithdrawalRequestLog log) =>
        {
            log.Clear();
            return TypedResults.NoContent();
        });
        return app;
    }

    private static Results<Ok<ReceivedWithdrawal>, NotFound> Get(string withdrawalId, WithdrawalStore store) =>
        store.Find(withdrawalId) is { } withdrawal ? TypedResults.Ok(withdrawal) : TypedResults.NotFound();

    /// <summary>Body of <c>POST /sandbox/withdrawals/{id}/settle</c>; unknown fields are refused, so a typo is not a paid payout.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    internal sealed record SettleRequest(int? WithdrawalStatus);

    /// <summary>
    /// Sends a postback with the given status now and answers it (as <c>POST /sandbox/postbacks</c> does), so a
    /// test sees the merchant's answer. Any status goes, also one the merchant does not know (e.g. 4), and
    /// also again after an earlier one: the gateway may report a paid payout as cancelled later.
    /// </summary>
    private static async Task<Results<Created<PostbackDetail>, NotFound, ValidationProblem>> SettleAsync(
        string withdrawalId, HttpRequest http, WithdrawalStore store, WithdrawalPostbacks postbacks, IOptions<JsonOptions> json)
    {
        SettleRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<SettleRequest>(http.Body, json.Value.SerializerOptions, http.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return Invalid("body", $"body must be JSON like {ExampleSettle} ({exception.Message})");
        }

        if (request?.WithdrawalStatus is not { } status)
        {
            return Invalid("withdrawalStatus", $"withdrawalStatus is required: a whole number, e.g. {ExampleSettle} (1 paid, 6 cancelled)");
        }

        if (status < 0)
        {
            return Invalid("withdrawalStatus", "withdrawalStatus must be 0 or more");
        }

        if (store.Find(withdrawalId) is not { } withdrawal)
        {
            return TypedResults.NotFound();
        }

        var record = await postbacks.SettleNowAsync(withdrawal, status);
        return TypedResults.Created($"/sandbox/postbacks/{record.Facts.Id}", record.ToDetail());
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

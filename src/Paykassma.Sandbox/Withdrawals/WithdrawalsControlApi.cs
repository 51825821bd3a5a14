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
    private const string ExampleRedeliver = """{"which":"all"}""";

    public static IEndpointRouteBuilder MapWithdrawalsControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/sandbox").WithTags("Sandbox withdrawals");

        control.MapGet("/withdrawals", (WithdrawalStore store) => TypedResults.Ok(store.List()));
        control.MapGet("/withdrawals/{withdrawalId}", Get);
        control.MapPost("/withdrawals/{withdrawalId}/settle", SettleAsync);
        control.MapPost("/withdrawals/{withdrawalId}/redeliver", RedeliverAsync);
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
    /// <param name="TransactionId"><c>same</c>, <c>new</c> or <c>none</c>; absent: as the withdrawal's transaction-id setting says.</param>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    internal sealed record SettleRequest(int? WithdrawalStatus, string? TransactionId = null);

    /// <summary>Body of <c>POST /sandbox/withdrawals/{id}/redeliver</c> (optional): <c>last</c> (the default) or <c>all</c>.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    internal sealed record RedeliverRequest(string? Which);

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

        TransactionIdChoice? choice = null;
        if (request.TransactionId is { } text)
        {
            if (!WithdrawalTransactionIdNames.TryParse(text, out TransactionIdChoice chosen))
            {
                return Invalid("transactionId", $"transactionId must be one of: {WithdrawalTransactionIdNames.Choices} (none sends \"transaction_id\":null)");
            }

            choice = chosen;
        }

        if (store.Find(withdrawalId) is not { } withdrawal)
        {
            return TypedResults.NotFound();
        }

        var record = await postbacks.SettleNowAsync(withdrawal, status, choice);
        return TypedResults.Created($"/sandbox/postbacks/{record.Facts.Id}", record.ToDetail());
    }

    /// <summary>
    /// Sends the latest status postback's bytes again now (or every one's, oldest first), as the gateway's
    /// redelivery, and answers them with the merchant's answers. Nothing reported yet, or nowhere to send: 409.
    /// </summary>
    private static async Task<Results<Ok<PostbackDetail[]>, NotFound, ValidationProblem, ProblemHttpResult>> RedeliverAsync(
        string withdrawalId, HttpRequest http, WithdrawalStore store, WithdrawalPostbacks postbacks, PostbackOutbox outbox,
        IOptions<JsonOptions> json)
    {
        RedeliverRequest? request = null;
        using (var reader = new StreamReader(http.Body, leaveOpen: true))
        {
            // The body is optional: none at all redelivers the latest status.
            var text = await reader.ReadToEndAsync(http.HttpContext.RequestAborted);
            if (!string.IsNullOrWhiteSpace(text))
            {
                try
                {
                    request = JsonSerializer.Deserialize<RedeliverRequest>(text, json.Value.SerializerOptions);
                }
                catch (JsonException exception)
                {
                    return Invalid("body", $"body must be empty or JSON like {ExampleRedeliver} ({exception.Message})");
                }
            }
        }

        var which = request?.Which?.Trim().ToLowerInvariant() ?? "last";
        if (which is not ("last" or "all"))
        {
            return Invalid("which", "which must be last (the latest status, the default) or all (every status, oldest first)");
        }

        if (store.Find(withdrawalId) is not { } withdrawal)
        {
            return TypedResults.NotFound();
        }

        if (!outbox.CanSend)
        {
            return TypedResults.Problem(
                "Sandbox:PostbackUrl is not set, so there is nowhere to send postbacks to.", statusCode: StatusCodes.Status409Conflict);
        }

        var sent = await postbacks.RedeliverAsync(withdrawal, every: which == "all");
        if (sent.Count == 0)
        {
            return TypedResults.Problem(
                "No status has been reported for this withdrawal yet: nothing to redeliver (settle it first).",
                statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(sent.Select(record => record.ToDetail()).ToArray());
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

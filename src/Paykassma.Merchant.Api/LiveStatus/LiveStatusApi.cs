using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// <c>GET /api/deposits/{id}/events</c>: a deposit's status, live. Mapped on the deposits group (its
/// authorization, CORS and rate limits), under the URL the frontend already uses.
/// </summary>
public static class LiveStatusApi
{
    public static RouteGroupBuilder MapLiveStatusApi(this RouteGroupBuilder deposits)
    {
        deposits.MapGet("/{id:guid}/events", GetDepositEvents)
            .WithName("GetDepositEvents")
            .WithSummary("The deposit's status, live: Server-Sent Events until it is confirmed or expired")
            .WithDescription("First the deposit's state now (event `status`, id = its latest change), then each change as " +
                             "it is committed, on whichever instance, with an id that grows; a `heartbeat` event (no data) every " +
                             "Deposits:LiveStatus:HeartbeatInterval while nothing happens. Ends after sending `confirmed` or `expired`. " +
                             "Reconnect with Last-Event-ID to get every change after that id, then the live ones: nothing missed, " +
                             "nothing twice; 204 when the deposit is final and nothing is newer (stop reconnecting). " +
                             "At most Deposits:LiveStatus:MaxStreamsPerUser open streams per user and instance (429 beyond), and " +
                             "Deposits:LiveStatus:MaxStreams per instance (503 streams-at-capacity with Retry-After beyond). The stream " +
                             "ends at the token's exp: reconnect with a fresh token and Last-Event-ID (an expired token is 401).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            // Open for as long as the page is: no request time limit (EdgeProtection's default is 30 s).
            .DisableRequestTimeout()
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // With no time limit there is no request-timeout 504 (the group lists it for the others).
                operation.Responses?.Remove("504");
                if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse stream)
                {
                    stream.Description = "The event stream. Each item is one event on the wire: `event: status`, `id: <change id>`, " +
                                         "`data: <DepositStatusEvent as JSON>`; heartbeats are `event: heartbeat` with empty data.";
                }
                return Task.CompletedTask;
            });
        return deposits;
    }

    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>Seconds a client waits before trying a full instance again; the load balancer may send it elsewhere.</summary>
    private const string StreamCapacityRetryAfter = "10";

    public static async Task<Results<ServerSentEventsResult<DepositStatusEvent?>, NoContent, ProblemHttpResult>> GetDepositEvents(
        Guid id,
        [FromHeader(Name = LastEventIdHeader)] string? lastEventId,
        CurrentUser user,
        LiveStatusStream stream,
        IOptions<LiveStatusOptions> options,
        MerchantMetrics metrics,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        switch (await stream.OpenAsync(id, user.Label, TokenExpiry.Of(http.User), lastEventId, cancellationToken))
        {
            case LiveStatusStart.NotFound:
                return Problems.NotFoundResult("deposit");
            case LiveStatusStart.TooManyStreams:
                metrics.StreamRefused("user_limit");
                http.Response.Headers.RetryAfter = "10";
                return LiveStatusProblems.TooManyStreams.Result(
                    $"At most {options.Value.MaxStreamsPerUser} live streams per user; close one (a page you left) and retry.");
            case LiveStatusStart.AtCapacity:
                metrics.StreamRefused("at_capacity");
                http.Response.Headers.RetryAfter = StreamCapacityRetryAfter;
                return LiveStatusProblems.AtCapacity.Result(
                    $"Retry after {StreamCapacityRetryAfter} s (possibly on another instance), with Last-Event-ID; GET /api/deposits/{{id}} answers meanwhile.");
            case LiveStatusStart.TokenExpired:
                return Problems.Result(StatusCodes.Status401Unauthorized, Problems.Unauthorized, "The token has expired",
                    "A live stream ends at its token's exp: reconnect with a fresh token and Last-Event-ID.");
            case LiveStatusStart.Finished:
                return TypedResults.NoContent();
        }
        // A proxy that buffers (nginx) would hold the events back: ask it not to.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(stream.EventsAsync(http.RequestAborted));
    }
}

/// <summary>The live status stream's own problems, written once for the answer and its OpenAPI example.</summary>
public static class LiveStatusProblems
{
    public static readonly ProblemKind TooManyStreams =
        new(StatusCodes.Status429TooManyRequests, Problems.TooManyStreams, "Too many open event streams");

    public static readonly ProblemKind AtCapacity =
        new(StatusCodes.Status503ServiceUnavailable, Problems.StreamsAtCapacity, "This instance holds all the live streams it may");
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Stable problem types (RFC 9457): clients and ops branch on <c>type</c>, never on the wording.
/// </summary>
public static class Problems
{
    public const string Base = "https://paykassma-merchant.local/problems/";

    public const string Validation = Base + "validation";
    public const string MalformedRequest = Base + "malformed-request";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string NotFound = Base + "not-found";
    public const string GatewayRefused = Base + "gateway-refused";
    public const string GatewayUnavailable = Base + "gateway-unavailable";
    public const string GatewayTimeout = Base + "gateway-timeout";
    public const string IdempotencyKeyReused = Base + "idempotency-key-reused";
    public const string IdempotencyKeyInProgress = Base + "idempotency-key-in-progress";
    public const string DatabaseUnavailable = Base + "database-unavailable";
    public const string ServiceStopping = Base + "service-stopping";
    /// <summary>The request ran past its time limit (RequestTimeouts) before the service could answer.</summary>
    public const string RequestTimeout = Base + "request-timeout";
    public const string Internal = Base + "internal";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string RateLimited = Base + "rate-limited";
    public const string TooManyStreams = Base + "too-many-streams";
    public const string StreamsAtCapacity = Base + "streams-at-capacity";
    public const string ProofRejected = Base + "proof-rejected";
    public const string DepositClosed = Base + "deposit-closed";
    public const string PaymentWindowDisabled = Base + "payment-window-disabled";
    public const string TooManyProofs = Base + "too-many-proofs";
    public const string DuplicateProof = Base + "duplicate-proof";
    public const string TransactionNumberInUse = Base + "transaction-number-in-use";
    public const string PostbackNotRejected = Base + "postback-not-rejected";
    public const string PostbackStillRejected = Base + "postback-still-rejected";
    public const string PayoutsDisabled = Base + "payouts-disabled";
    /// <summary>The label's payouts today would pass Payouts:DailyLimitPerLabel (the name predates the per-account limit).</summary>
    public const string DailyLimitReached = Base + "daily-limit-reached";
    public const string AccountDailyLimitReached = Base + "account-daily-limit-reached";
    public const string FourEyes = Base + "four-eyes";
    public const string PayoutStatusConflict = Base + "payout-status-conflict";
    public const string NoSubject = Base + "no-subject";

    // The pipeline's problems that more than one place writes (the answer and the examples): each title once.
    public static readonly ProblemKind Invalid =
        new(StatusCodes.Status400BadRequest, Validation, "One or more validation errors occurred.");

    public static readonly ProblemKind NoSuchId = new(StatusCodes.Status404NotFound, NotFound, "Not found");

    public static readonly ProblemKind BodyTooLarge = new(StatusCodes.Status413PayloadTooLarge, MalformedRequest, "Request body too large");

    public static readonly ProblemKind ContentTypeNotTaken =
        new(StatusCodes.Status415UnsupportedMediaType, UnsupportedMediaType, "The request's content type is not one this call takes");

    public static readonly ProblemKind JsonNotUtf8 = new(StatusCodes.Status415UnsupportedMediaType, UnsupportedMediaType, "JSON bodies must be UTF-8");

    public static readonly ProblemKind TooManyRequests = new(StatusCodes.Status429TooManyRequests, RateLimited, "Too many requests");

    public static readonly ProblemKind DatabaseDown =
        new(StatusCodes.Status503ServiceUnavailable, DatabaseUnavailable, "The database is unavailable; try again shortly");

    /// <summary>The project's type for an answer the framework gives without a body (401, 403, 404, 405, 413, 415, 429, 504…).</summary>
    public static string? ForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status400BadRequest => MalformedRequest,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status504GatewayTimeout => RequestTimeout,
        _ => null,
    };

    public static ProblemHttpResult Result(
        int status, string type, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type, extensions: extensions);

    /// <summary>
    /// Writes a problem from middleware, as an endpoint's typed result would: through the problem
    /// details service, and as problem+json even when the client's Accept rules JSON out.
    /// </summary>
    public static Task WriteAsync(HttpContext http, int status, string? type = null, string? title = null, string? detail = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type).ExecuteAsync(http);

    public static ProblemHttpResult NotFoundResult(string what) =>
        NoSuchId.Result($"No {what} with that id.");
}

/// <summary>
/// One problem a feature answers: its status, <see cref="Problems"/> type and title, defined once in the
/// feature that answers it and used by both the answer and its OpenAPI example.
/// </summary>
public sealed record ProblemKind(int Status, string Type, string Title)
{
    public ProblemHttpResult Result(string? detail = null, IDictionary<string, object?>? extensions = null) =>
        Problems.Result(Status, Type, Title, detail, extensions);
}

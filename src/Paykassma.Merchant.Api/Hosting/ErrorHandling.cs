using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// The last line of defence: whatever escapes an endpoint becomes a problem details answer. A
/// request the framework could not read (bad JSON, wrong types, too large) is the client's 4xx;
/// a database that cannot be reached is a 503 the caller may retry; anything else is a 500 that
/// says nothing about its cause (the log has it).
/// </summary>
internal sealed partial class ErrorHandler(IProblemDetailsService problems, NpgsqlDataSource dataSource, ILogger<ErrorHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // The client hung up: nobody reads the answer, and it is not a server error.
            http.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        var (status, type, title, detail) = Classify(exception);
        if (type == Problems.DatabaseUnavailable)
        {
            // Idle pooled connections may all be dead (a restart): start afresh rather than fail on each.
            dataSource.Clear();
        }
        if (status >= 500)
        {
            LogUnhandled(logger, exception, http.Request.Method, http.Request.Path);
        }
        else if (Unwrap(exception) is PostgresException database)
        {
            // Refused as the client's, but worth seeing: a validation that let it through is missing.
            LogRefusedByDatabase(logger, database.SqlState, http.Request.Method, http.Request.Path);
        }

        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "5";
        }
        if (OwnErrorShape.Of(http) is { } shape)
        {
            await shape.WriteErrorAsync(http, status, title);
            return true;
        }
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        if (status < 500 && FieldErrors.Of(exception, http) is { } errors)
        {
            problem.Extensions["errors"] = errors;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem });
    }

    internal static (int Status, string Type, string Title, string? Detail) Classify(Exception exception) => Unwrap(exception) switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (Problems.BodyTooLarge.Status, Problems.BodyTooLarge.Type, Problems.BodyTooLarge.Title, null),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } bad =>
            (bad.StatusCode, Problems.ContentTypeNotTaken.Type, Problems.ContentTypeNotTaken.Title, bad.Message),
        BadHttpRequestException { InnerException: JsonException } bad =>
            (bad.StatusCode, Problems.MalformedRequest, "The request body is not valid JSON for this call", JsonDetail(bad)),
        BadHttpRequestException bad =>
            (bad.StatusCode, Problems.MalformedRequest, "The request could not be read", bad.Message),
        // Kestrel's own framing errors that are not a BadHttpRequestException ("Bad chunk size data"):
        // the only stream an endpoint reads without the database in between is the request body
        // (database I/O failures arrive as NpgsqlException).
        IOException =>
            (StatusCodes.Status400BadRequest, Problems.MalformedRequest, "The request could not be read", null),
        OperationCanceledException =>
            (StatusCodes.Status503ServiceUnavailable, Problems.ServiceStopping, "The service is stopping; try again shortly", null),
        // SQLSTATE class 22 (data exception: a NUL in text, an out-of-range value) is about what was
        // sent, not an outage: no 503, and above all no emptying of the connection pool.
        PostgresException database when database.SqlState.StartsWith("22", StringComparison.Ordinal) =>
            (StatusCodes.Status400BadRequest, Problems.MalformedRequest, "The request holds a value the database cannot take", null),
        // Any other refusal (a constraint we did not expect) is our bug: a 500, not an outage, and
        // the pool stays. Transient server states (shutting down, too many connections) are outages.
        PostgresException { IsTransient: false } =>
            (StatusCodes.Status500InternalServerError, Problems.Internal, "An unexpected error occurred", null),
        var failure when DatabaseFailure.IsOutage(failure) =>
            (Problems.DatabaseDown.Status, Problems.DatabaseDown.Type, Problems.DatabaseDown.Title, null),
        _ => (StatusCodes.Status500InternalServerError, Problems.Internal, "An unexpected error occurred", null),
    };

    private static Exception Unwrap(Exception exception) => DatabaseFailure.Unwrap(exception);

    /// <summary>Says where the JSON went wrong (path and line) without echoing the client's payload back.</summary>
    private static string JsonDetail(BadHttpRequestException bad) =>
        bad.InnerException is JsonException { Path: { } path } json
            ? $"Invalid value at '{path}' (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})."
            : "The body could not be parsed.";

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "The database refused a value from {Method} {Path} (SQLSTATE {SqlState}); answered 400")]
    private static partial void LogRefusedByDatabase(ILogger logger, string sqlState, string method, PathString path);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}

using Microsoft.AspNetCore.OpenApi;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>The examples' problems: the pipeline's own, common to every operation, and how one is written.</summary>
internal static partial class OpenApiExamples
{
    /// <summary>
    /// The problem an answer of this status usually is, for every operation that has no example of
    /// its own: the pipeline's answers (validation of paging, authentication, size and media type,
    /// rate limit, database, request time limit) are the same whichever endpoint was called, and their
    /// detail is the one <see cref="ProblemContract"/> writes for this endpoint.
    /// </summary>
    private static string? CommonProblem(string status, OpenApiOperationTransformerContext context)
    {
        var endpoint = new EndpointMetadataCollection(context.Description.ActionDescriptor.EndpointMetadata);
        string Detail(int code, string type) => Extra("detail",
            ProblemContract.DetailFor(endpoint, context.ApplicationServices, context.Description.HttpMethod ?? "GET", code, Problems.Base + type));
        return status switch
        {
            "400" when endpoint.GetMetadata<PagingMetadata>() is { } paging =>
                Problem(400, "validation", "One or more validation errors occurred.", $$""","errors":{"pageSize":["From 1 to {{paging.MaxPageSize}}."]}"""),
            "401" => Problem(401, "unauthorized", "Unauthorized", Detail(401, "unauthorized")),
            "403" => Problem(403, "forbidden", "Forbidden", Detail(403, "forbidden")),
            "404" => Problem(404, "not-found", "Not found", ""","detail":"No deposit with that id." """),
            "413" => Problem(413, "malformed-request", "Request body too large", Detail(413, "malformed-request")),
            "415" => Problem(415, "unsupported-media-type", "Unsupported Media Type", Detail(415, "unsupported-media-type")),
            "429" => Problem(429, "rate-limited", "Too many requests", ""","detail":"Slow down and retry after the time in Retry-After." """),
            "503" => Problem(503, "database-unavailable", "The database is unavailable; try again shortly", Detail(503, "database-unavailable")),
            // The request's time limit ran out (RequestTimeouts) before the service could answer.
            "504" => Problem(504, "request-timeout", "Gateway Timeout", Detail(504, "request-timeout")),
            _ => null,
        };
    }

    /// <summary>A first page holding one item, as every list answers.</summary>
    private static string Page(string item, int pageSize) => $$"""{"items":[{{item}}],"page":1,"pageSize":{{pageSize}},"total":1}""";

    /// <summary>
    /// One of this API's own problem types, as <see cref="Problems"/> writes it (every problem carries the
    /// trace id; a validation problem the detail <see cref="ProblemContract"/> gives it).
    /// </summary>
    private static string Problem(int status, string type, string title, string extra)
    {
        if (type == "validation" && !extra.Contains("\"detail\"", StringComparison.Ordinal))
        {
            extra = Extra("detail", ProblemContract.ValidationDetail) + extra;
        }
        return $$"""{"type":"{{Problems.Base}}{{type}}","title":"{{title}}","status":{{status}}{{extra.TrimEnd()}},"traceId":"{{TraceId}}"}""";
    }

    /// <summary>A member to add to a problem example: <c>,"name":"value"</c>, the value escaped as JSON.</summary>
    private static string Extra(string name, string value) => $",\"{name}\":{System.Text.Json.JsonSerializer.Serialize(value)}";
}

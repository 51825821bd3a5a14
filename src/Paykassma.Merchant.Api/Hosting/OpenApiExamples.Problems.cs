using Microsoft.AspNetCore.OpenApi;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>The pipeline's own problems, common to every operation.</summary>
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
                Problem(Problems.Invalid, $$""","errors":{"pageSize":["From 1 to {{paging.MaxPageSize}}."]}"""),
            "401" => Problem(401, "unauthorized", "Unauthorized", Detail(401, "unauthorized")),
            "403" => Problem(403, "forbidden", "Forbidden", Detail(403, "forbidden")),
            "404" => Problem(Problems.NoSuchId, ""","detail":"No deposit with that id." """),
            "413" => Problem(Problems.BodyTooLarge, Detail(413, "malformed-request")),
            "415" => Problem(415, "unsupported-media-type", "Unsupported Media Type", Detail(415, "unsupported-media-type")),
            "429" => Problem(Problems.TooManyRequests, ""","detail":"Slow down and retry after the time in Retry-After." """),
            "503" => Problem(Problems.DatabaseDown, Detail(503, "database-unavailable")),
            // The request's time limit ran out (RequestTimeouts) before the service could answer.
            "504" => Problem(504, "request-timeout", "Gateway Timeout", Detail(504, "request-timeout")),
            _ => null,
        };
    }
}

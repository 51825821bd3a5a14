using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Auth;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// The one error contract, applied to every problem whoever wrote it: an endpoint, the framework's
/// validation, the server's own 413 and 415, authentication, the rate limiter, the request time limit.
/// Each leaves with a project <c>type</c> (never an RFC 9110 section), a <c>detail</c> that says what to
/// change, <c>errors</c> keyed by the field's name as the client sent it, and the trace id. It runs
/// inside the problem details service, so no writer can skip it.
/// </summary>
internal static class ProblemContract
{
    public static void Complete(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        // The framework's defaults name an RFC 9110 section (or nothing) for the answers it writes itself.
        var ours = problem.Type?.StartsWith(Problems.Base, StringComparison.Ordinal) == true;
        if (problem is HttpValidationProblemDetails validation && !ours)
        {
            // The framework's validation names a member as C# does ("Amount"); clients sent the JSON name.
            var naming = http.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions.PropertyNamingPolicy;
            var renamed = validation.Errors.ToDictionary(error => JsonName(error.Key, naming), error => error.Value);
            validation.Errors.Clear();
            foreach (var (field, messages) in renamed)
            {
                validation.Errors[field] = messages;
            }
            problem.Type = Problems.Validation;
        }
        else if (!ours)
        {
            problem.Type = Problems.ForStatus(status) ?? (status >= 500 ? Problems.Internal : Problems.MalformedRequest);
        }
        if (string.IsNullOrWhiteSpace(problem.Detail))
        {
            // The exception handler runs without the endpoint; what it was is kept in its feature.
            var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            problem.Detail = DetailFor(endpoint?.Metadata, http.RequestServices, http.Request.Method, status, problem.Type!);
        }
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
    }

    /// <summary>"Amount" → "amount", "Items[0].Name" → "items[0].name": each segment as the serializer names it.</summary>
    private static string JsonName(string key, JsonNamingPolicy? naming) =>
        naming is null || key.Length == 0 ? key : string.Join('.', key.Split('.').Select(naming.ConvertName));

    /// <summary>The detail of every validation problem: errors says which fields, and what each takes.</summary>
    public const string ValidationDetail = "Correct the fields named in errors and send the request again. Nothing was stored.";

    /// <summary>What to change, for the answers no endpoint words itself (the OpenAPI examples show the same words).</summary>
    internal static string DetailFor(EndpointMetadataCollection? endpoint, IServiceProvider services, string method, int status, string type) =>
        (status, type) switch
        {
            (_, Problems.Validation) => ValidationDetail,
            (StatusCodes.Status401Unauthorized, _) =>
                "Send a valid, unexpired token: Authorization: Bearer <JWT> (issuer, audience and signature as configured in Auth:Jwt).",
            (StatusCodes.Status403Forbidden, _) => ForbiddenDetail(endpoint, services),
            (StatusCodes.Status404NotFound, _) => "Nothing is at this path. Check the path (and the id in it) against /openapi/v1.json.",
            (StatusCodes.Status405MethodNotAllowed, _) =>
                $"This path does not take {method}: the Allow header lists the methods it takes.",
            (StatusCodes.Status413PayloadTooLarge, _) => TooLargeDetail(endpoint, services),
            // Routing answers a content type no endpoint of the path takes before any endpoint is chosen.
            (StatusCodes.Status415UnsupportedMediaType, _) =>
                "Send the Content-Type this call takes: application/json (UTF-8) for JSON bodies, multipart/form-data for the proof upload.",
            (StatusCodes.Status429TooManyRequests, _) => "Slow down and retry after the time in Retry-After.",
            (StatusCodes.Status503ServiceUnavailable, _) => "Retry after the time in Retry-After (a few seconds). Nothing was stored.",
            (StatusCodes.Status504GatewayTimeout, _) =>
                "The request ran past its time limit and was stopped. Retry it (with the same Idempotency-Key, where the call takes one).",
            ( >= 500, _) => "An unexpected error: quote the traceId to support, who find what happened by it. Nothing was stored.",
            _ => "The request could not be read as this call expects; check it against /openapi/v1.json. Nothing was stored.",
        };

    private static string ForbiddenDetail(EndpointMetadataCollection? endpoint, IServiceProvider services)
    {
        var auth = services.GetRequiredService<IOptions<MerchantAuthOptions>>().Value;
        var policy = endpoint?.GetOrderedMetadata<IAuthorizeData>().LastOrDefault(a => a.Policy is not null)?.Policy;
        return policy switch
        {
            AuthPolicies.Ops => $"This call is for operations staff: the token needs the '{auth.OpsRole}' role.",
            AuthPolicies.Payouts => $"This call is for the back office: the token needs the '{auth.PayoutsRole}' role.",
            AuthPolicies.Frontend =>
                $"This call is for a user: the token's '{auth.LabelClaim}' claim must hold their label (1 to {AuthExtensions.MaxLabelLength} characters, no control characters).",
            _ => "The token does not allow this call.",
        };
    }

    private static string TooLargeDetail(EndpointMetadataCollection? endpoint, IServiceProvider services)
    {
        var own = endpoint?.GetMetadata<RequestBodyLimitMetadata>();
        var limit = own is null ? RequestBodyLimits.ServerLimit(services) : own.Limit(services);
        var bytes = limit is { } max ? $"{max.ToString(CultureInfo.InvariantCulture)} bytes" : "the server's limit";
        var explained = own?.Explain?.Invoke(services);
        var sentence = $"The request body must be at most {bytes} for this call.";
        return explained is null ? sentence + " Nothing was stored." : $"{sentence} {explained} Nothing was stored.";
    }
}

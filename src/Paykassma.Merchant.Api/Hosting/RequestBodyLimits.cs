using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// An endpoint's own request body limit, computed from configuration when the request arrives, and
/// what it is for in words (its 413 says so: "the screenshot may be at most 10 MB").
/// </summary>
public sealed record RequestBodyLimitMetadata(Func<IServiceProvider, long> Limit, Func<IServiceProvider, string>? Explain = null);

public static class RequestBodyLimits
{
    /// <summary>Raises (or lowers) the server's body limit for this endpoint only.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(
        this TBuilder builder, Func<IServiceProvider, long> limit, Func<IServiceProvider, string>? explain = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimitMetadata(limit, explain));

    /// <summary>
    /// Applies <see cref="RequestBodyLimitMetadata"/> before the body is read. Routing has already
    /// chosen the endpoint here; the server then answers 413 past the limit, without buffering more.
    /// </summary>
    public static IApplicationBuilder UseEndpointRequestBodyLimits(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimitMetadata>() is { } metadata
                && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = metadata.Limit(http.RequestServices);
            }
            return next(http);
        });

    /// <summary>The server's body limit, for an endpoint without its own.</summary>
    public static long? ServerLimit(IServiceProvider services) =>
        services.GetService<IOptions<KestrelServerOptions>>()?.Value.Limits.MaxRequestBodySize;
}

using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Idempotency;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>Per-client request limits (<c>RateLimits</c> section). Postbacks are never rate limited.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Frontend calls per user per minute (deposits, reads).</summary>
    public int FrontendPerMinute { get; set; } = 120;

    /// <summary>Proof uploads per user per minute: each carries up to a 10 MB screenshot.</summary>
    public int ProofUploadsPerMinute { get; set; } = 20;

    /// <summary>Ops calls per person per minute.</summary>
    public int OpsPerMinute { get; set; } = 600;

    /// <summary>
    /// Rejected postbacks whose bodies are kept, per source address per minute. Beyond it a junk
    /// flood is still answered (and counted) but not written: it cannot fill the database. Genuine,
    /// verified postbacks are never subject to this.
    /// </summary>
    public int RejectedPostbacksRecordedPerSourcePerMinute { get; set; } = 60;
}

/// <summary>Browser origins of the merchant's frontend (<c>Cors:AllowedOrigins</c>); none means same-origin only.</summary>
public sealed class CorsSettings
{
    public const string SectionName = "Cors";

    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>Proxies whose X-Forwarded-For/Proto are believed (<c>ForwardedHeaders</c> section).</summary>
public sealed class ProxySettings
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Read X-Forwarded-For/Proto at all (off: the peer address is the client's).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Trust a proxy on this machine (loopback), as ASP.NET Core does by default.</summary>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

public static class EdgePolicies
{
    public const string Frontend = "frontend";
    public const string ProofUploads = "proof-uploads";
    public const string Ops = "ops";
    public const string GatewayCall = "gateway-call";
    public const string Upload = "upload";
}

internal static class EdgeProtection
{
    /// <summary>
    /// What stands between the internet and the endpoints: trusted proxy headers, CORS for the
    /// frontend's origins, per-user rate limits, and a time limit on every request.
    /// </summary>
    public static IServiceCollection AddEdgeProtection(this IServiceCollection services)
    {
        // Read when first needed, not while registering, so every configuration source has its say.
        services.AddOptions<ProxySettings>().BindConfiguration(ProxySettings.SectionName)
            // ASP.NET Core trusts EVERY peer when both lists are empty: never let configuration say that by accident.
            .Validate(p => !p.Enabled || p.TrustLoopback || p.KnownProxies.Length > 0 || p.KnownNetworks.Length > 0,
                "ForwardedHeaders: with TrustLoopback=false, list KnownProxies or KnownNetworks (or set Enabled=false); empty lists would trust everyone.")
            .Validate(p => p.KnownProxies.All(a => IPAddress.TryParse(a, out _)) && p.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ForwardedHeaders:KnownProxies must be IP addresses and KnownNetworks CIDR networks.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxySettings>>((options, settings) =>
        {
            var proxies = settings.Value;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the nearest proxy's word counts: anything further left is the client's own claim.
            options.ForwardLimit = 1;
            if (!proxies.TrustLoopback)
            {
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list still holds the default loopback network.
                options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            }
            foreach (var proxy in proxies.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in proxies.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.SectionName);
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<CorsSettings>>((options, cors) =>
            options.AddPolicy(EdgePolicies.Frontend, policy => policy
                .WithOrigins(cors.Value.AllowedOrigins)
                .WithMethods("GET", "POST")
                .WithHeaders("Authorization", "Content-Type", IdempotencyHeader.Name, LiveStatus.LiveStatusApi.LastEventIdHeader)
                .WithExposedHeaders("Location", "Retry-After", IdempotencyHeader.ReplayedName)
                .SetPreflightMaxAge(TimeSpan.FromHours(1))));

        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName)
            .Validate(o => o.FrontendPerMinute > 0 && o.ProofUploadsPerMinute > 0 && o.OpsPerMinute > 0
                           && o.RejectedPostbacksRecordedPerSourcePerMinute >= 0, "RateLimits:* must be positive.")
            .ValidateOnStart();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : "60";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = Problems.TooManyRequests.Status,
                        Type = Problems.TooManyRequests.Type,
                        Title = Problems.TooManyRequests.Title,
                        Detail = "Slow down and retry after the time in Retry-After.",
                    },
                });
            };
            options.AddPolicy(EdgePolicies.Frontend, context => PerUser(context, limits => limits.FrontendPerMinute));
            options.AddPolicy(EdgePolicies.ProofUploads, context => PerUser(context, limits => limits.ProofUploadsPerMinute));
            options.AddPolicy(EdgePolicies.Ops, context => PerUser(context, limits => limits.OpsPerMinute));
        });

        services.AddRequestTimeouts(options =>
        {
            // Every request has an end; the ones that wait for the gateway or take uploads get more.
            options.DefaultPolicy = new RequestTimeoutPolicy { Timeout = TimeSpan.FromSeconds(30) };
            options.AddPolicy(EdgePolicies.GatewayCall, TimeSpan.FromSeconds(60));
            options.AddPolicy(EdgePolicies.Upload, TimeSpan.FromSeconds(120));
        });
        return services;
    }

    public static WebApplication UseEdgeProtection(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxySettings>>().Value.Enabled)
        {
            app.UseForwardedHeaders();
        }
        app.UseCors();
        return app;
    }

    /// <summary>
    /// Inside the request time limit (after UseRequestTimeouts): a failure that follows the request's
    /// cancellation is the cancellation's doing. Npgsql reports a connect or read it abandoned as an
    /// NpgsqlException, which would otherwise answer 503 database-unavailable (and empty the connection
    /// pool) for a database that is merely slow; rethrown as the cancellation it is, the time limit
    /// answers its 504 request-timeout, and a client that hung up gets nothing, as before.
    /// </summary>
    public static IApplicationBuilder UseCancellationAsTheCause(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception failure) when (failure is not OperationCanceledException && http.RequestAborted.IsCancellationRequested)
            {
                throw new OperationCanceledException("The request was cancelled (its time limit, or the client) while this failed.",
                    failure, http.RequestAborted);
            }
        });

    /// <summary>A sliding one-minute window per signed-in user (their label), or per address without one.</summary>
    private static RateLimitPartition<string> PerUser(HttpContext context, Func<RateLimitOptions, int> permits)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var labelClaim = context.RequestServices.GetRequiredService<IOptions<MerchantAuthOptions>>().Value.LabelClaim;
        var key = context.User.FindFirst(labelClaim)?.Value is { Length: > 0 } label
            ? "user:" + label
            : "ip:" + context.Connection.RemoteIpAddress;
        var permitLimit = permits(limits);
        return RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });
    }
}

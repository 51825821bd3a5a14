using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Development;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.LiveStatus;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Reconciliation;
using Paykassma.PluginApi;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>Everything Program.cs wires, one call per concern.</summary>
internal static class MerchantServiceExtensions
{
    public static WebApplicationBuilder AddMerchantServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // First: its migrator is the first hosted service, so no background job meets an old schema.
        services.AddMerchantPersistence();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Small by default; endpoints that take uploads raise it for themselves.
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
        });

        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemContract.Complete);
        services.AddExceptionHandler<ErrorHandler>();
        // Malformed bodies and parameters throw, so ErrorHandler answers them as problem details
        // in every environment (by default Production answers an empty 400).
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options =>
        {
            var json = options.SerializerOptions;
            json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
            json.Converters.Add(new MoneyJsonConverter());
            // A field we do not know is a client bug worth a 400, not something to ignore silently.
            json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.AllowDuplicateProperties = false;
            // Web defaults read "300" as a number; an amount must be a JSON number.
            json.NumberHandling = JsonNumberHandling.Strict;
            json.RespectNullableAnnotations = true;
        });
        services.AddValidation();
        services.AddMerchantOpenApi();
        services.AddHealthChecks();
        services.AddMerchantMetrics();
        services.AddMerchantTracing(builder.Configuration);
        services.AddSingleton(TimeProvider.System);

        services.AddEdgeProtection();
        services.AddMerchantAuth();

        services.AddOptions<PaykassmaOptions>().BindConfiguration(PaykassmaOptions.SectionName);
        services.AddPaykassmaPluginApi();

        services.AddDeposits();
        services.AddLiveStatus();
        services.AddProofs();
        services.AddPostbacks();
        services.AddPayouts();
        services.AddEvents();
        services.AddReconciliation();
        services.AddAttention();
        return builder;
    }

    public static WebApplication UseMerchantPipeline(this WebApplication app)
    {
        app.UseEdgeProtection();
        app.UseMerchantRequestLogging();
        app.UseExceptionHandler();
        // Empty 4xx answers (401, 403, 404 of unknown routes, 405, 429) become problem details too,
        // with this project's types; an endpoint with its own error shape (the postback URL) writes its own.
        app.UseStatusCodePages(WriteEmptyErrorAsync);
        app.UseUtf8JsonOnly();
        app.UseEndpointRequestBodyLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.UseCancellationAsTheCause();
        app.UseValidJsonText();
        return app;
    }

    private static Task WriteEmptyErrorAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (OwnErrorShape.Of(http) is { } shape)
        {
            return shape.WriteErrorAsync(http, http.Response.StatusCode, ReasonPhrases.GetReasonPhrase(http.Response.StatusCode));
        }
        return Problems.WriteAsync(http, http.Response.StatusCode, Problems.ForStatus(http.Response.StatusCode));
    }

    public static WebApplication MapMerchantEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapMerchantMetrics();
        app.MapMerchantOpenApi();
        app.MapDepositsApi();
        app.MapProofsApi();
        app.MapPostbackApi();
        app.MapPayoutsApi();
        app.MapOpsApi();
        app.MapDevTokenApi();
        return app;
    }
}

using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Observability;

internal static class ObservabilityExtensions
{
    public const string ServiceName = "paykassma-merchant-api";

    /// <summary>
    /// OpenTelemetry metrics in Prometheus format at /metrics: ASP.NET Core's own HTTP server and
    /// Kestrel meters, HttpClient (no URLs in its tags), the runtime, the gateway client and ours.
    /// </summary>
    public static IServiceCollection AddMerchantMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName)
            .Validate(o => o.SampleInterval > TimeSpan.Zero, "Metrics:SampleInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<QueueSnapshot>();
        services.AddHostedService(provider => provider.GetRequiredService<QueueSnapshot>());
        services.AddSingleton<MerchantMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(ConfigureResource)
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http",
                    PluginApiMetrics.MeterName, MerchantMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// One service identity for metrics and traces. The environment detector runs again after our
    /// default, so <c>OTEL_SERVICE_NAME</c> (and <c>service.name</c> in <c>OTEL_RESOURCE_ATTRIBUTES</c>)
    /// still win, as with the SDK's own default name.
    /// </summary>
    internal static void ConfigureResource(ResourceBuilder resource) =>
        resource.AddService(ServiceName).AddEnvironmentVariableDetector();

    public static void MapMerchantMetrics(this WebApplication app) =>
        // Scraped by the monitoring system; carries no secrets or user data. Keep it off the public
        // internet at the proxy like /health.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
}

using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Observability;

internal static class ObservabilityExtensions
{
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
            .ConfigureResource(resource => resource.AddService("paykassma-merchant"))
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http",
                    PluginApiMetrics.MeterName, MerchantMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        return services;
    }

    public static void MapMerchantMetrics(this WebApplication app) =>
        // Scraped by the monitoring system; carries no secrets or user data. Keep it off the public
        // internet at the proxy like /health.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
}

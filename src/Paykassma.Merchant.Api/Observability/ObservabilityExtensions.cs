using OpenTelemetry.Metrics;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Proofs;
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
            .Validate(o => o.CountLimit >= 1, "Metrics:CountLimit must be at least 1.")
            .ValidateOnStart();
        // Each capability's database-wide gauges, sampled together by the snapshot in one batch.
        services.AddGaugeSource<ProofGauges>();
        services.AddGaugeSource<DepositGauges>();
        services.AddGaugeSource<PayoutGauges>();
        services.AddGaugeSource<EventGauges>();
        services.AddGaugeSource<AttentionGauges>();
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

    private static void AddGaugeSource<T>(this IServiceCollection services) where T : class, IGaugeSource
    {
        services.AddSingleton<T>();
        services.AddSingleton<IGaugeSource>(provider => provider.GetRequiredService<T>());
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

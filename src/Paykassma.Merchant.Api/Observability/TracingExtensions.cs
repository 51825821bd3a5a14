using System.Diagnostics;
using Npgsql;
using OpenTelemetry.Trace;

namespace Paykassma.Merchant.Api.Observability;

/// <summary>
/// OpenTelemetry traces, exported by OTLP, only when an OTLP endpoint is configured (ADR 0011).
/// Without one nothing is registered: no ActivityListener, so ASP.NET Core, HttpClient and Npgsql
/// find no listener and create no spans, and there is no exporter.
/// </summary>
internal static class TracingExtensions
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpointKey = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    /// <summary>
    /// The standard OTLP endpoint settings, read from configuration (environment variables included,
    /// as the exporter itself reads them); <c>OTEL_SDK_DISABLED=true</c> turns tracing off as well.
    /// </summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        (!string.IsNullOrWhiteSpace(configuration[EndpointKey]) || !string.IsNullOrWhiteSpace(configuration[TracesEndpointKey]))
        && !string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase);

    public static IServiceCollection AddMerchantTracing(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsEnabled(configuration))
        {
            return services;
        }

        services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddAspNetCoreInstrumentation(options =>
            {
                // Probes and scrapes every few seconds would drown the requests worth looking at;
                // their children (the readiness check's SELECT 1) go with them.
                options.Filter = http => !http.Request.Path.StartsWithSegments("/health")
                                         && !http.Request.Path.StartsWithSegments("/metrics");
                // An exception event carries its message and stack trace; the status and error.type say enough.
                options.RecordException = false;
            })
            .AddHttpClientInstrumentation(options => options.RecordException = false)
            .AddNpgsql()
            // Before the exporter, so it sees every span as redacted (ADR 0011).
            .AddProcessor(new SpanRedaction())
            .AddOtlpExporter());
        return services;
    }

    /// <summary>
    /// Database spans only inside a recorded span (a request, a gateway call): the background jobs'
    /// polls (the proof dispatcher's claim every second, the gauges every 15 s) would otherwise each
    /// be a trace of their own. Called by the data source builder; inert while tracing is off.
    /// </summary>
    public static void ConfigureNpgsqlTracing(NpgsqlTracingOptionsBuilder tracing) => tracing
        .ConfigureCommandFilter(_ => Activity.Current is { Recorded: true })
        .ConfigureBatchFilter(_ => Activity.Current is { Recorded: true });
}

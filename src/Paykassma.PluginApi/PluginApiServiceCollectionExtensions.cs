using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Paykassma.PluginApi.Client;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace Paykassma.PluginApi;

public static class PluginApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PluginApiClient"/> with its resilience pipeline and the options
    /// validator. The host binds <see cref="PaykassmaOptions"/> from configuration.
    /// </summary>
    public static IHttpClientBuilder AddPaykassmaPluginApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<PluginApiMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PaykassmaOptions>, PaykassmaOptionsValidator>());
        services.AddOptions<PaykassmaOptions>().ValidateOnStart();
        // Polly logs each failed attempt at Error, though the retry (or the proof dispatcher) handles
        // it and the call's own log line says how it ended: Error is kept for what needs a person.
        services.Configure<TelemetryOptions>(options => options.SeverityProvider = HandledFailuresAreNotErrors);

        services.AddResiliencePipeline<string, GatewayReply>(PluginApiClient.PipelineName, (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<IOptions<PaykassmaOptions>>().Value.Resilience;
            pipeline
                .AddTimeout(settings.TotalTimeout)
                .AddRetry(new RetryStrategyOptions<GatewayReply>
                {
                    // Only what is transient and safe to repeat: create-deposit only hands out
                    // requisites, and possible-transaction carries our unique custom_transaction_id.
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                    {
                        { Exception: HttpRequestException or TimeoutRejectedException } => true,
                        { Result.IsTransientHttpError: true } => true,
                        _ => false,
                    }),
                    MaxRetryAttempts = Math.Max(settings.MaxRetries, 0),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryBaseDelay,
                })
                .AddTimeout(settings.AttemptTimeout);
        });

        return services
            .AddHttpClient<PluginApiClient>((provider, http) =>
            {
                var settings = provider.GetRequiredService<IOptions<PaykassmaOptions>>().Value;
                var baseUrl = settings.ApiBaseUrl!.AbsoluteUri;
                http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                http.MaxResponseContentBufferSize = PluginApiClient.MaxResponseBytes;
                // The pipeline owns time limits; this is only a backstop above its total timeout.
                http.Timeout = settings.Resilience.TotalTimeout + TimeSpan.FromSeconds(5);
            })
            .ConfigurePrimaryHttpMessageHandler(provider =>
                new SecretQueryHandler(provider.GetRequiredService<IOptionsMonitor<PaykassmaOptions>>())
                {
                    InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) },
                });
    }

    private static ResilienceEventSeverity HandledFailuresAreNotErrors(SeverityProviderArguments args) => args.Event.EventName switch
    {
        "ExecutionAttempt" => ResilienceEventSeverity.Debug,
        "OnRetry" or "OnTimeout" => ResilienceEventSeverity.Warning,
        _ => args.Event.Severity,
    };
}

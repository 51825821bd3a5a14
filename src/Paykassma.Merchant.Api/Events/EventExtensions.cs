using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;

namespace Paykassma.Merchant.Api.Events;

/// <summary>The outbox's delivery: options, the webhook client, and a dispatcher (off while no WebhookUrl is set).</summary>
public static class EventExtensions
{
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddOptions<EventOptions>().BindConfiguration(EventOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventOptions>, EventOptionsValidator>();
        // No redirects: a 3xx is the ledger's misconfiguration, not a delivery. No retries here: the
        // dispatcher retries, with back-off, under the same webhook-id.
        services.AddHttpClient(EventQueue.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddDispatcher<EventQueue, ClaimedEvent>("event", provider =>
        {
            var settings = provider.GetRequiredService<IOptions<EventOptions>>().Value;
            return settings.WebhookUrl is null ? new DispatcherOptions { Enabled = false } : settings.Dispatcher;
        }, EventStatements.Dispatch);
        return services;
    }
}

using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Idempotency;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>The payouts feature's services, options and dispatcher.</summary>
public static class PayoutExtensions
{
    public static IServiceCollection AddPayouts(this IServiceCollection services)
    {
        services.AddOptions<PayoutOptions>().BindConfiguration(PayoutOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PayoutOptions>, PayoutOptionsValidator>();
        services.AddIdempotency();
        services.AddScoped<PayoutStore>();
        services.AddScoped<PayoutCreator>();
        services.AddScoped<PayoutReview>();
        // On even with the feature off: a payout sent before it was switched off can still go stale.
        services.AddSingleton<StalePayoutWatch>();
        services.AddHostedService(provider => provider.GetRequiredService<StalePayoutWatch>());
        // Off with the feature: a payout stored while enabled waits, due, until it is enabled again.
        services.AddDispatcher<PayoutSender, ClaimedPayout>("payout", provider =>
        {
            var settings = provider.GetRequiredService<IOptions<PayoutOptions>>().Value;
            return settings.Enabled ? settings.Dispatcher : new DispatcherOptions { Enabled = false };
        }, PayoutStatements.Dispatch);
        return services;
    }
}

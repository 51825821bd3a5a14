using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Idempotency;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>The deposits feature's services and options.</summary>
public static class DepositExtensions
{
    public static IServiceCollection AddDeposits(this IServiceCollection services)
    {
        services.AddOptions<DepositOptions>().BindConfiguration(DepositOptions.SectionName)
            .Validate(o => o.MaxAmount > 0, "Deposits:MaxAmount must be positive.")
            .Validate(o => o.ExpireAfter > TimeSpan.Zero && o.ExpiryCheckInterval > TimeSpan.Zero,
                "Deposits:ExpireAfter and Deposits:ExpiryCheckInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<PaymentWindowOptions>().BindConfiguration(PaymentWindowOptions.SectionName)
            .Validate(o => o.PluginBaseUrl is null || (o.PluginBaseUrl.IsAbsoluteUri && o.PluginBaseUrl.Scheme is ("http" or "https")
                                                        && o.PluginBaseUrl.Query.Length == 0 && o.PluginBaseUrl.Fragment.Length == 0),
                "Paykassma:PluginBaseUrl must be an absolute http(s) URL without a query string or fragment.")
            .Validate(o => new[] { o.PaymentUrlSuccessId, o.PaymentUrlFailId, o.PaymentUrlPendingId }
                    .All(id => string.IsNullOrEmpty(id) || PaymentWindow.RedirectId().IsMatch(id)),
                "Paykassma:PaymentUrlSuccessId, PaymentUrlFailId and PaymentUrlPendingId must be the digits the gateway's support issued.")
            .ValidateOnStart();
        services.AddIdempotency();
        services.AddOptions<IdempotencyOptions>()
            .Configure<IOptions<DepositOptions>>((idempotency, deposits) => idempotency.Wait = deposits.Value.IdempotencyWait);
        services.AddScoped<DepositCreator>();
        services.AddSingleton<DepositExpiry>();
        services.AddHostedService(provider => provider.GetRequiredService<DepositExpiry>());
        return services;
    }
}

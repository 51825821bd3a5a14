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
        services.AddIdempotency();
        services.AddOptions<IdempotencyOptions>()
            .Configure<IOptions<DepositOptions>>((idempotency, deposits) => idempotency.Wait = deposits.Value.IdempotencyWait);
        services.AddScoped<DepositCreator>();
        services.AddSingleton<DepositExpiry>();
        services.AddHostedService(provider => provider.GetRequiredService<DepositExpiry>());
        return services;
    }
}

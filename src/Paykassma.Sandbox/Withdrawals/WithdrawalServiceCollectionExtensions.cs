using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Withdrawals;

internal static class WithdrawalServiceCollectionExtensions
{
    /// <summary>The payout endpoint's settings, store and request log; its postbacks are registered with the postbacks.</summary>
    public static IServiceCollection AddWithdrawals(this IServiceCollection services)
    {
        services.AddOptions<WithdrawalOptions>()
            .BindConfiguration(SandboxOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WithdrawalOptions>, WithdrawalOptionsValidator>();
        services.AddSingleton<WithdrawalStore>();
        services.AddSingleton<WithdrawalRequestLog>();
        services.AddHostedService<PayoutsOffNotice>();
        return services;
    }
}

/// <summary>
/// Says once, at start, that payouts are off when no key is set: otherwise the first sign of it would be a
/// merchant puzzling over "Withdrawal signature is invalid".
/// </summary>
internal sealed partial class PayoutsOffNotice(IOptions<WithdrawalOptions> options, ILogger<PayoutsOffNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.PayoutsOn)
        {
            LogPayoutsOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sandbox:WithdrawalPrivateKey is not set: payouts are off, every withdrawal is answered \"Withdrawal signature is invalid\"")]
    private static partial void LogPayoutsOff(ILogger logger);
}

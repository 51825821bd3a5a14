using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Proofs;
using Paykassma.Sandbox.Withdrawals;

namespace Paykassma.Sandbox.Postbacks;

internal static class PostbackServiceCollectionExtensions
{
    /// <summary>Signed postbacks after accepted proofs and withdrawals, their sender and the control endpoints' services.</summary>
    public static IServiceCollection AddPostbacks(this IServiceCollection services)
    {
        services.AddOptions<PostbackOptions>()
            .BindConfiguration(SandboxOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostbackOptions>, PostbackOptionsValidator>();

        services.AddHttpClient(PostbackDelivery.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            // Redirects are not followed: a POST turned into a GET would hide the merchant's misconfiguration.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // The sender logs each attempt itself; the factory's request lines would only repeat them.
            .RemoveAllLoggers();

        services.AddSingleton<PostbackStore>();
        services.AddSingleton<PostbackQueue>();
        services.AddSingleton<PostbackDelivery>();
        services.AddSingleton<PostbackFactory>();
        services.AddSingleton<PostbackOutbox>();
        services.AddSingleton<PostbackTriggers>();
        services.AddSingleton<IProofAcceptedListener, ProofPostbackListener>();
        services.AddSingleton<WithdrawalStatusQueue>();
        services.AddSingleton<WithdrawalPostbacks>();
        services.AddSingleton<IWithdrawalAcceptedListener>(provider => provider.GetRequiredService<WithdrawalPostbacks>());
        services.AddHostedService<PostbackSender>();
        services.AddHostedService<WithdrawalStatusSender>();
        return services;
    }
}

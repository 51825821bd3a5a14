using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Idempotency;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>The proofs feature's services, options and dispatcher.</summary>
public static class ProofExtensions
{
    public static IServiceCollection AddProofs(this IServiceCollection services)
    {
        services.AddOptions<ProofOptions>().BindConfiguration(ProofOptions.SectionName)
            .Validate(o => o.MaxScreenshotBytes > 0 && o.MaxProofsPerDeposit > 0,
                "Proofs:MaxScreenshotBytes and Proofs:MaxProofsPerDeposit must be positive.")
            .Validate(o => !o.Dispatcher.Problems("Proofs:Dispatcher").Any(),
                "Proofs:Dispatcher: MaxAttempts, BatchSize, Lease, PollInterval and BaseDelay must be positive, MaxDelay at least BaseDelay.")
            // An empty phrase would be found in every refusal that names the id.
            .Validate(o => o.AlreadyKnownMessages.All(m => !string.IsNullOrWhiteSpace(m)),
                "Proofs:AlreadyKnownMessages must not hold an empty phrase.")
            .ValidateOnStart();
        services.AddIdempotency();
        services.AddScoped<ProofStore>();
        services.AddScoped<ProofSubmitter>();
        services.AddDispatcher<ProofForwarder, ClaimedProof>("proof",
            provider => provider.GetRequiredService<IOptions<ProofOptions>>().Value.Dispatcher, ProofStatements.Dispatch);
        return services;
    }
}

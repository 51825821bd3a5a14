using Paykassma.Sandbox.Deposits;
using Paykassma.Sandbox.Faults;
using Paykassma.Sandbox.Proofs;
using Paykassma.Sandbox.Withdrawals;

namespace Paykassma.Sandbox.Gateway;

/// <summary>The routes that imitate the gateway, under the same paths as the real one.</summary>
internal static class GatewayApi
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        // Order matters: the secret is checked first, so a fault never answers a caller the real
        // gateway would have turned away with 404.
        var gateway = app.MapGroup("/api/v1")
            .AddEndpointFilter<PluginSecretFilter>()
            .AddEndpointFilter<FaultInjectionFilter>()
            .WithTags("Gateway (imitated)");

        gateway.MapDepositsApi();
        gateway.MapPossibleTransactionsApi();

        // Payouts carry no ?secret=: the gateway's pages show this route without it, the signature is its
        // authentication. A secret sent anyway is ignored. Faults apply as to every gateway call.
        var payouts = app.MapGroup("/v2")
            .AddEndpointFilter<FaultInjectionFilter>()
            .WithTags("Gateway (imitated)");
        payouts.MapWithdrawalsApi();
        return app;
    }
}

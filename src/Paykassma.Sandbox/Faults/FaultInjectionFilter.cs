using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Faults;

/// <summary>Applies the fault in force to every gateway call, before or after its handler as the mode needs.</summary>
internal sealed class FaultInjectionFilter(FaultSwitch faults, IOptions<SandboxOptions> options, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var fault = faults.Current;
        switch (fault.Mode)
        {
            case FaultMode.Down:
                return GatewayAnswers.ServiceUnavailable.ToResult();
            case FaultMode.Refuse:
                return GatewayAnswers.Fail(fault.Message, options.Value.FailHttpStatus).ToResult();
            case FaultMode.Stall:
                // Handled first, answered late: the client times out although the gateway did the work,
                // which is the case a client's "outcome unknown" handling must get right.
                var result = await next(context);
                var stillListening = await Stall.HoldAsync(fault.StallFor, time, context.HttpContext.RequestAborted);
                return stillListening ? result : Results.Empty;
            case FaultMode.Crash:
                // The work is done and kept (a proof's postback, a withdrawal's payout follow); only the
                // answer is lost, so a client's retry meets "already exists" / "already taken".
                await next(context);
                return GatewayAnswers.InternalServerError.ToResult();
            default:
                // InsufficientBalance is decided by the withdrawal handler: only a valid, signed request
                // gets as far as a balance check on the real gateway.
                return await next(context);
        }
    }
}

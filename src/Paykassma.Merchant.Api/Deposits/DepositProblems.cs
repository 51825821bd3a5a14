using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>The deposit calls' own problems, written once for the answer and its OpenAPI example.</summary>
public static class DepositProblems
{
    public static readonly ProblemKind GatewayRefused =
        new(StatusCodes.Status502BadGateway, Problems.GatewayRefused, "The payment gateway refused the deposit");

    public static readonly ProblemKind GatewayUnavailable =
        new(StatusCodes.Status503ServiceUnavailable, Problems.GatewayUnavailable, "The payment gateway is unavailable");

    public static readonly ProblemKind GatewayTimeout =
        new(StatusCodes.Status504GatewayTimeout, Problems.GatewayTimeout, "The payment gateway did not answer in time");

    public static readonly ProblemKind PaymentWindowDisabled =
        new(StatusCodes.Status403Forbidden, Problems.PaymentWindowDisabled, "The payment window is not enabled on this service");

    public static readonly ProblemKind KeyInProgress =
        new(StatusCodes.Status409Conflict, Problems.IdempotencyKeyInProgress, "A request with this Idempotency-Key is still in progress");

    public static readonly ProblemKind KeyReused =
        new(StatusCodes.Status422UnprocessableEntity, Problems.IdempotencyKeyReused, "This Idempotency-Key was used with a different request");
}

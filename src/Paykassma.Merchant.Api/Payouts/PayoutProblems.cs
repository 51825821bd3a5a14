using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>The payout calls' own problems, written once for the answer and its OpenAPI example.</summary>
public static class PayoutProblems
{
    public static readonly ProblemKind Disabled =
        new(StatusCodes.Status403Forbidden, Problems.PayoutsDisabled, "Payouts are not enabled on this service");

    public static readonly ProblemKind LabelDailyLimit =
        new(StatusCodes.Status422UnprocessableEntity, Problems.DailyLimitReached, "This payout would pass the label's daily limit");

    public static readonly ProblemKind AccountDailyLimit =
        new(StatusCodes.Status422UnprocessableEntity, Problems.AccountDailyLimitReached, "This payout would pass the destination account's daily limit");

    public static readonly ProblemKind KeyReused =
        new(StatusCodes.Status422UnprocessableEntity, Problems.IdempotencyKeyReused, "This Idempotency-Key was used with a different payout");

    public static readonly ProblemKind FourEyes =
        new(StatusCodes.Status403Forbidden, Problems.FourEyes, "You created this payout: another ops user must approve it");

    /// <summary>An ops action the payout's status does not allow; <paramref name="action"/> as in "cannot be approved".</summary>
    public static ProblemKind StatusConflict(string action) =>
        new(StatusCodes.Status409Conflict, Problems.PayoutStatusConflict, $"This payout cannot be {action} in its status");
}

using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Faults;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary><c>POST /v2/withdrawal/create</c>: takes a payout to a user; its outcome follows as a postback.</summary>
internal static partial class WithdrawalsApi
{
    /// <summary>Account numbers that pick an outcome, so every answer can be tried from a browser or curl.</summary>
    public const string GatewayDownAccount = "9999999999";
    public const string StallThenAcceptAccount = "8888888888";
    public const string CrashAfterAcceptAccount = "5555555555";
    public const string InsufficientBalanceAccount = "4444444444";
    public const string CancelledAccount = "6666666666";
    public const string NotSettledAccount = "7777777777";
    public const string NoTransactionIdAccount = "1111111111";
    public const string TransactionIdPerStatusAccount = "2222222222";

    /// <summary>
    /// Exact text (Laravel's unique rule): after an attempt whose outcome it could not learn, the merchant
    /// reads it as "the earlier attempt got through". Change it only together with the clients that rely on it.
    /// </summary>
    public const string TakenMessage = "The withdrawal id has already been taken.";

    /// <summary>The field and message of the gateway's insufficient-balance answer, as its pages show it.</summary>
    public const string BalanceField = "withdrawals_sum_amount";
    public const string InsufficientBalanceMessage = "Insufficient balance";

    public static RouteGroupBuilder MapWithdrawalsApi(this RouteGroupBuilder gateway)
    {
        gateway.MapPost("/withdrawal/create", CreateAsync);
        return gateway;
    }

    internal sealed record Services(
        IOptions<SandboxOptions> Options,
        IOptions<WithdrawalOptions> WithdrawalOptions,
        WithdrawalStore Store,
        WithdrawalRequestLog Log,
        FaultSwitch Faults,
        TimeProvider Time,
        ILogger<WithdrawalStore> Logger);

    private static async Task<IResult> CreateAsync(HttpRequest request, [AsParameters] Services services)
    {
        var receivedAt = services.Time.GetUtcNow();
        var aborted = request.HttpContext.RequestAborted;
        WithdrawalForm.Result read;
        try
        {
            read = await WithdrawalForm.ReadAsync(request, services.Options.Value, services.WithdrawalOptions.Value, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client hung up while sending: nobody is waiting for an answer, and it is no server error.
            return Results.Empty;
        }

        var (answer, accepted) = await DecideAsync(read, receivedAt, services);
        services.Log.Record(receivedAt, read, answer);
        LogAnswered(services.Logger, read.WithdrawalId, read.Withdrawal?.Amount, answer.StatusCode, answer.Body);

        // Stored first, answered late: the client gives up not knowing that the payout got through.
        if (accepted?.AccountNumber == StallThenAcceptAccount
            && !await Stall.HoldAsync(services.Options.Value.StallDuration, services.Time, aborted))
        {
            return Results.Empty;
        }

        return answer.ToResult();
    }

    /// <summary>
    /// The gateway's order of checks: the field rules (the unique withdrawal_id among them, as a Laravel rule),
    /// then the signature, then the money. Only a request that passes all three is stored.
    /// </summary>
    private static async Task<(GatewayAnswer Answer, ReceivedWithdrawal? Accepted)> DecideAsync(
        WithdrawalForm.Result read, DateTimeOffset receivedAt, Services services)
    {
        var failStatus = services.Options.Value.FailHttpStatus;
        var errors = read.Errors;
        if (read.WithdrawalId is { } id && services.Store.Find(id) is { } earlier)
        {
            earlier.CountRepeatedSubmission();
            errors.Add("withdrawal_id", TakenMessage);
        }

        if (errors.Any)
        {
            return (GatewayAnswers.FailWithErrors(errors, failStatus), null);
        }

        if (!GatewayWithdrawalSignature.Verify(read.Signature, read.JoinedValues!, services.WithdrawalOptions.Value.WithdrawalPrivateKey))
        {
            return (GatewayAnswers.Fail(GatewayWithdrawalSignature.InvalidMessage, failStatus), null);
        }

        var submitted = read.Withdrawal!;
        // A gateway that is down received nothing: answered before anything is stored, so the id stays free.
        if (submitted.AccountNumber == GatewayDownAccount)
        {
            return (GatewayAnswers.ServiceUnavailable, null);
        }

        var insufficient = GatewayAnswers.FailWithErrors(FieldErrors.Of(BalanceField, InsufficientBalanceMessage), failStatus);
        if (submitted.AccountNumber == InsufficientBalanceAccount || services.Faults.Current.Mode == FaultMode.InsufficientBalance)
        {
            return (insufficient, null);
        }

        var answer = submitted.AccountNumber == CrashAfterAcceptAccount ? GatewayAnswers.InternalServerError : GatewayAnswers.Ok;
        var (acceptance, withdrawal) = await services.Store.TryAcceptAsync(
            submitted, receivedAt, answer, Plan(submitted.AccountNumber, services.WithdrawalOptions.Value));
        return acceptance switch
        {
            // Another request with this id got in between the rule above and here.
            WithdrawalAcceptance.Taken => (GatewayAnswers.FailWithErrors(FieldErrors.Of("withdrawal_id", TakenMessage), failStatus), null),
            WithdrawalAcceptance.InsufficientBalance => (insufficient, null),
            _ => (answer, withdrawal),
        };
    }

    /// <summary>What the sandbox reports by itself: the settings, unless the account number picks otherwise.</summary>
    private static WithdrawalPlan Plan(string accountNumber, WithdrawalOptions options)
    {
        int? final = accountNumber switch
        {
            CancelledAccount => WithdrawalStatuses.Cancelled,
            NotSettledAccount => null,
            _ => WithdrawalStatuses.Paid,
        };
        var transactionIds = accountNumber switch
        {
            NoTransactionIdAccount => WithdrawalTransactionIds.None,
            TransactionIdPerStatusAccount => WithdrawalTransactionIds.PerStatus,
            _ => options.TransactionIds,
        };
        return new WithdrawalPlan(options.InterimStatuses, final, transactionIds);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Withdrawal {WithdrawalId}, amount {Amount}: answered {StatusCode} {Body}")]
    private static partial void LogAnswered(ILogger logger, string? withdrawalId, long? amount, int statusCode, string body);
}

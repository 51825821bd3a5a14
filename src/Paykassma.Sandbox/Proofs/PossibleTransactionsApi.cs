using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Proofs;

/// <summary><c>POST /api/v1/possible-transaction</c>: takes a user's payment proof.</summary>
internal static partial class PossibleTransactionsApi
{
    /// <summary>Transaction numbers (key1) that pick a path, so every answer can be tried from a browser.</summary>
    public const string TransactionNotFoundKey1 = "000000000000";
    public const string GatewayDownKey1 = "999999999999";
    public const string StallThenAcceptKey1 = "888888888888";

    public const string TransactionNotFoundMessage = "Transaction not found";

    /// <summary>
    /// Exact text: after an attempt whose outcome it could not learn, a client may read this answer
    /// as "the earlier attempt was delivered". Change it only together with the clients that rely on it.
    /// </summary>
    public const string DuplicateMessage = "custom_transaction_id already exists";

    public static RouteGroupBuilder MapPossibleTransactionsApi(this RouteGroupBuilder gateway)
    {
        gateway.MapPost("/possible-transaction", SubmitAsync);
        return gateway;
    }

    internal sealed record Services(
        IOptions<SandboxOptions> Options,
        ProofStore Store,
        TimeProvider Time,
        ILogger<ProofStore> Logger);

    private static async Task<IResult> SubmitAsync(HttpRequest request, [AsParameters] Services services)
    {
        var options = services.Options.Value;
        var aborted = request.HttpContext.RequestAborted;
        ProofForm.Result read;
        try
        {
            read = await ProofForm.ReadAsync(request, options, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client hung up mid-upload: nobody is waiting for an answer, and it is no server error.
            return Results.Empty;
        }
        var (submitted, problem) = read;
        if (submitted is null)
        {
            LogRejectedForm(services.Logger, problem!);
            return GatewayAnswers.Fail(problem!, options.FailHttpStatus).ToResult();
        }

        // A gateway that is down received nothing: answer before anything is recorded.
        if (submitted.Key1 == GatewayDownKey1)
        {
            return GatewayAnswers.ServiceUnavailable.ToResult();
        }

        var (outcome, answer) = submitted.Key1 == TransactionNotFoundKey1
            ? (ProofOutcome.Refused, GatewayAnswers.Fail(TransactionNotFoundMessage, options.FailHttpStatus))
            : (ProofOutcome.Accepted, GatewayAnswers.ProofAccepted);

        var stored = await services.Store.TryRecordAsync(submitted, outcome, answer);
        if (stored is null)
        {
            LogDuplicate(services.Logger, submitted.CustomTransactionId);
            return GatewayAnswers.Fail(DuplicateMessage, options.FailHttpStatus).ToResult();
        }

        LogReceived(services.Logger, stored.CustomTransactionId, stored.Label, stored.Amount, stored.Outcome, stored.TransactionId);

        // Stored first, answered late: the client gives up not knowing that the proof got through.
        if (submitted.Key1 == StallThenAcceptKey1
            && !await Stall.HoldAsync(options.StallDuration, services.Time, aborted))
        {
            return Results.Empty;
        }

        return answer.ToResult();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Possible transaction {CustomTransactionId} for label {Label}, amount {Amount}: {Outcome} (transaction_id {TransactionId})")]
    private static partial void LogReceived(
        ILogger logger, string customTransactionId, string label, long amount, ProofOutcome outcome, string? transactionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Possible transaction {CustomTransactionId} repeated: answered already exists")]
    private static partial void LogDuplicate(ILogger logger, string customTransactionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Possible transaction refused: {Problem}")]
    private static partial void LogRejectedForm(ILogger logger, string problem);
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Idempotency;

namespace Paykassma.Merchant.Api.Proofs;

public static class ProofsApi
{

    /// <summary>Room for the text fields and multipart framing around the screenshot.</summary>
    private const long FormOverheadBytes = 64 * 1024;

    public static RouteGroupBuilder MapProofsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/deposits")
            .WithTags("Proofs")
            .RequireAuthorization(AuthPolicies.Frontend)
            .RequireCors(EdgePolicies.Frontend)
            .RequireRateLimiting(EdgePolicies.ProofUploads)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        group.MapPost("/{id:guid}/proof", SubmitProof)
            .WithName("SubmitProof")
            .WithSummary("Upload the payment proof: 12-digit transaction number, amount and screenshot")
            .WithDescription("The proof is stored before the gateway is called. 202 forwarded: the gateway has it. " +
                             "202 queued: the gateway is unreachable and the proof will be delivered later. " +
                             "422: the gateway refused it (see gatewayMessage); another proof may be sent. " +
                             "409: the deposit is closed, or a proof that is not rejected already holds this transaction number " +
                             "(duplicate-proof on this deposit, transaction-number-in-use on any other). " +
                             "Send an Idempotency-Key to make retries safe.")
            .Accepts<ProofForm>("multipart/form-data")
            .DisableAntiforgery()
            .WithRequestTimeout(EdgePolicies.Upload)
            .WithRequestBodyLimit(
                services => services.GetRequiredService<IOptions<ProofOptions>>().Value.MaxScreenshotBytes + FormOverheadBytes,
                services => ProofFormValidator.ScreenshotLimit(services.GetRequiredService<IOptions<ProofOptions>>().Value))
            .WithFormOptions(valueCountLimit: 16, keyLengthLimit: 64)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    public static async Task<Results<Accepted<ProofResponse>, ValidationProblem, ProblemHttpResult>> SubmitProof(
        Guid id,
        IFormCollection form,
        [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey,
        CurrentUser user,
        ProofSubmitter submitter,
        IOptions<ProofOptions> options,
        IOptions<DepositOptions> depositOptions,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var (valid, errors) = await ProofFormValidator.ValidateAsync(form, options.Value, depositOptions.Value, cancellationToken);
        IdempotencyHeader.Validate(http.Request, idempotencyKey, errors);
        if (valid is null || errors.Count > 0)
        {
            valid?.Dispose();
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        SubmitProofResult result;
        using (valid)
        {
            result = await submitter.SubmitAsync(id, user.Label, valid, idempotencyKey, cancellationToken);
        }
        if (result.Status == SubmitProofStatus.Replayed)
        {
            IdempotencyHeader.MarkReplayed(http.Response);
        }
        return result.Status switch
        {
            SubmitProofStatus.Stored or SubmitProofStatus.Replayed => Answer(result.Proof!),
            SubmitProofStatus.DepositNotFound => Problems.NotFoundResult("deposit"),
            SubmitProofStatus.DepositClosed => ProofProblems.DepositClosed.Result("It is confirmed or expired. Start a new deposit."),
            SubmitProofStatus.TooManyProofs => ProofProblems.TooManyProofs.Result($"At most {options.Value.MaxProofsPerDeposit} proofs per deposit."),
            SubmitProofStatus.DuplicateTransactionNumber => ProofProblems.DuplicateProof.Result(
                "Wait for its outcome (GET /api/deposits/{id}); send another number only if this one was mistyped."),
            // Says nothing of the other claim (whose, which deposit, its state): only that the number is taken.
            SubmitProofStatus.TransactionNumberInUse => ProofProblems.TransactionNumberInUse.Result(
                "A bank transaction can be claimed by one deposit only. Check the 12-digit number in your bank app; " +
                "if it is right, contact support."),
            _ => ProofProblems.KeyReused.Result("Use a new key for a new proof."),
        };
    }

    /// <summary>The answer a stored proof's status calls for, the same for a first request and its replay.</summary>
    private static Results<Accepted<ProofResponse>, ValidationProblem, ProblemHttpResult> Answer(Proof proof)
    {
        if (proof.Status == ProofStatus.Rejected)
        {
            return ProofProblems.Rejected.Result(
                string.IsNullOrWhiteSpace(proof.GatewayMessage)
                    ? "The gateway gave no reason. Check the transaction number and the amount, then send another proof."
                    : proof.GatewayMessage,
                new Dictionary<string, object?> { ["gatewayMessage"] = proof.GatewayMessage, ["proof"] = ProofResponse.From(proof) });
        }
        return TypedResults.Accepted($"/api/deposits/{proof.DepositId}", ProofResponse.From(proof));
    }
}

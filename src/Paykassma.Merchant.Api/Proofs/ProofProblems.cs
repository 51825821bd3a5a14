using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>The proof calls' own problems, written once for the answer and its OpenAPI example.</summary>
public static class ProofProblems
{
    public static readonly ProblemKind DepositClosed =
        new(StatusCodes.Status409Conflict, Problems.DepositClosed, "This deposit no longer accepts proofs");

    public static readonly ProblemKind TooManyProofs =
        new(StatusCodes.Status409Conflict, Problems.TooManyProofs, "This deposit has too many proofs");

    public static readonly ProblemKind DuplicateProof =
        new(StatusCodes.Status409Conflict, Problems.DuplicateProof, "A proof with this transaction number is already being processed for this deposit");

    public static readonly ProblemKind TransactionNumberInUse =
        new(StatusCodes.Status409Conflict, Problems.TransactionNumberInUse, "This transaction number has already been submitted");

    public static readonly ProblemKind Rejected =
        new(StatusCodes.Status422UnprocessableEntity, Problems.ProofRejected, "The payment gateway refused this proof");

    public static readonly ProblemKind KeyReused =
        new(StatusCodes.Status422UnprocessableEntity, Problems.IdempotencyKeyReused, "This Idempotency-Key was used with a different proof");

    /// <summary>Ops' retry of a proof that is not failed (or not there).</summary>
    public static readonly ProblemKind NoFailedProof =
        new(StatusCodes.Status404NotFound, Problems.NotFound, "No failed proof with that id");
}

using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Idempotency;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

public enum SubmitProofStatus
{
    Stored,
    Replayed,
    DepositNotFound,
    DepositClosed,
    TooManyProofs,
    /// <summary>This deposit already has a live proof with the number (the user's own repeat).</summary>
    DuplicateTransactionNumber,

    /// <summary>A live proof of another deposit (any user's) holds the number.</summary>
    TransactionNumberInUse,
    IdempotencyKeyReused,
}

public sealed record SubmitProofResult(SubmitProofStatus Status, Proof? Proof = null);

/// <summary>
/// Stores a validated proof (the commit comes before any gateway call) and makes the first
/// delivery attempt at once. A repeat with the same Idempotency-Key answers the stored proof.
/// </summary>
public sealed partial class ProofSubmitter(
    ProofStore store,
    ProofForwarder forwarder,
    IOptions<ProofOptions> options,
    FirstRequestWaiter waiter,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ProofSubmitter> logger)
{
    public async Task<SubmitProofResult> SubmitAsync(
        Guid depositId, string label, ValidProof valid, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var requestHash = Fingerprint(valid);
        var proof = NewProof(depositId, label, valid, idempotencyKey, requestHash);
        // Waiters for this key here wake when this request's answer is known (a no-op without a key).
        using var running = waiter.Run(Scope(depositId, idempotencyKey));
        // One statement decides and stores (the deposit, the key, the limit, the number) and returns the
        // proof it names: the guards are not read first, so no other request can slip in between.
        var inserted = await store.TryInsertAsync(proof, valid.Screenshot.Memory, options.Value.MaxProofsPerDeposit, cancellationToken);
        switch (inserted.Verdict)
        {
            case ProofInsertVerdict.Stored:
                break;
            case ProofInsertVerdict.DepositNotFound:
                return new SubmitProofResult(SubmitProofStatus.DepositNotFound);
            case ProofInsertVerdict.StoredEarlier:
                running.Dispose();
                return await ReplayAsync(inserted.Proof!, requestHash, cancellationToken);
            case ProofInsertVerdict.DepositClosed:
                return new SubmitProofResult(SubmitProofStatus.DepositClosed);
            case ProofInsertVerdict.TooManyProofs:
                return new SubmitProofResult(SubmitProofStatus.TooManyProofs);
            case ProofInsertVerdict.NumberHeldHere:
                return new SubmitProofResult(SubmitProofStatus.DuplicateTransactionNumber);
            case ProofInsertVerdict.NumberHeldElsewhere:
                LogNumberInUse(logger, depositId, valid.TransactionNumber);
                return new SubmitProofResult(SubmitProofStatus.TransactionNumberInUse);
            default:
                running.Dispose();
                return await RacedAsync(inserted.Verdict, depositId, valid, idempotencyKey, requestHash, cancellationToken);
        }

        // The proof is committed. The first attempt runs even if the client hangs up meanwhile
        // (only shutdown stops it); if this process dies, the lease lapses and the dispatcher retries.
        // The answer is the row the attempt's recording returns: nothing is read back.
        var stored = inserted.Proof!;
        Proof? answer;
        try
        {
            answer = await forwarder.DeliverAsync(stored, _ => ValueTask.FromResult(valid.Screenshot.OpenRead()), lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Shutting down mid-attempt: the proof is stored as the insert returned it and its lease will
            // lapse, so a dispatcher (here after a restart, or on another instance) delivers it. Still a 202.
            answer = stored;
        }
        // Null only when a newer attempt recorded first (this one outlived its lease): read what it left.
        return new SubmitProofResult(SubmitProofStatus.Stored, answer ?? await store.FindAsync(proof.Id, CancellationToken.None));
    }

    /// <summary>
    /// A unique index refused the proof, and nothing was written: a concurrent request stored the key or
    /// the number after this statement's snapshot was taken. A request with the same key stored its proof
    /// first: that is the answer, whichever index noticed (its proof holds the same number too).
    /// </summary>
    private async Task<SubmitProofResult> RacedAsync(ProofInsertVerdict verdict, Guid depositId, ValidProof valid, string? idempotencyKey,
        string requestHash, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && await store.FindByIdempotencyKeyAsync(depositId, idempotencyKey, cancellationToken) is { } raced)
        {
            return await ReplayAsync(raced, requestHash, cancellationToken);
        }
        if (verdict == ProofInsertVerdict.IdempotencyKeyTaken)
        {
            throw new InvalidOperationException($"Deposit {depositId}: the Idempotency-Key index refused a proof, but no proof holds the key.");
        }
        // Which 409 to give only: the claim was already refused, whatever this finds.
        if (await store.HoldsLiveTransactionNumberAsync(depositId, valid.TransactionNumber, cancellationToken))
        {
            return new SubmitProofResult(SubmitProofStatus.DuplicateTransactionNumber);
        }
        LogNumberInUse(logger, depositId, valid.TransactionNumber);
        return new SubmitProofResult(SubmitProofStatus.TransactionNumberInUse);
    }

    /// <summary>
    /// The same key again: the stored proof's current state is the answer. While its first attempt
    /// is still running we wait for it (bounded), so both requests give the same answer.
    /// </summary>
    private async Task<SubmitProofResult> ReplayAsync(Proof proof, string requestHash, CancellationToken cancellationToken)
    {
        if (!RequestFingerprint.SameRequest(proof.RequestHash, requestHash))
        {
            return new SubmitProofResult(SubmitProofStatus.IdempotencyKeyReused, proof);
        }

        var wait = waiter.Start(Scope(proof.DepositId, proof.IdempotencyKey));
        while (proof.Status == ProofStatus.Submitting && await wait.NextPollAsync(cancellationToken))
        {
            proof = await store.FindAsync(proof.Id, cancellationToken) ?? proof;
        }
        return new SubmitProofResult(SubmitProofStatus.Replayed, proof);
    }

    /// <summary>What a repeat of this upload waits on: the deposit's proof under the key (none without a key).</summary>
    private static string? Scope(Guid depositId, string? idempotencyKey) =>
        idempotencyKey is null ? null : $"proof|{depositId:N}|{idempotencyKey}";

    private Proof NewProof(Guid depositId, string label, ValidProof valid, string? idempotencyKey, string requestHash)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        return new Proof
        {
            Id = id,
            DepositId = depositId,
            Label = label,
            // Unique by construction and short enough for the gateway (≤ 190).
            CustomTransactionId = "pm_" + id.ToString("N"),
            TransactionNumber = valid.TransactionNumber,
            Amount = valid.Amount,
            Status = ProofStatus.Submitting,
            Attempts = 1,
            AttemptLimit = options.Value.Dispatcher.MaxAttempts,
            // The first attempt's lease: should this process die mid-call, the dispatcher takes over.
            NextAttemptAt = now + options.Value.Dispatcher.Lease,
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
            ScreenshotFileName = Path.GetFileNameWithoutExtension(valid.OriginalFileName) is { Length: > 0 } stem
                ? ColumnText.Fit(stem, 200) + valid.Kind.Extension
                : "screenshot" + valid.Kind.Extension,
            ScreenshotContentType = valid.Kind.ContentType,
            ScreenshotSize = valid.Screenshot.Length,
            ScreenshotSha256 = valid.Sha256,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    // A mistyped number or someone claiming another's transfer: ops may want to see both claims.
    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning,
        Message = "Proof for deposit {DepositId} refused: transaction number {TransactionNumber} is held by a live proof of another deposit")]
    private static partial void LogNumberInUse(ILogger logger, Guid depositId, string transactionNumber);

    private static string Fingerprint(ValidProof valid) =>
        RequestFingerprint.Of($"proof|{valid.TransactionNumber}|{valid.Amount}|{valid.Sha256}");
}

using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// The proof table's reads (EF Core) and state changes, each one statement guarded by the statuses
/// it may move from (<see cref="ProofTransitions"/>) and by the attempt number that claimed the
/// proof, so a late writer can never overwrite a newer outcome: EF Core's ExecuteUpdate for a change
/// of the proof alone, a named statement (<see cref="ProofStatements"/>) on the data source for the
/// rest (ADR 0001). Screenshots are streamed into PostgreSQL, never copied into memory whole.
/// </summary>
public sealed class ProofStore(MerchantDbContext db, NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>
    /// Stores the proof, its screenshot and its place on the deposit in one statement that also decides
    /// whether it may (<see cref="ProofStatements.Insert"/>): the verdict, with the proof stored now or
    /// earlier under the same key. When a unique index refuses it (a concurrent request stored the key
    /// or the number first), nothing is written and the verdict says which.
    /// </summary>
    public async Task<ProofInsertResult> TryInsertAsync(Proof proof, ReadOnlyMemory<byte> screenshot, int maxProofs,
        CancellationToken cancellationToken)
    {
        // On the data source rather than through EF Core: a refused claim is an expected answer, and
        // EF Core would log every unique violation as a failed command at Error level.
        await using var command = ProofStatements.Insert.Command(dataSource, new ProofInsertInput(proof, screenshot, maxProofs));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("The proof insert returned no row.");
            }
            var verdict = (ProofInsertVerdict)reader.GetInt32(0);
            var row = await ProofRow.ReadAsync(reader, 1, cancellationToken);
            // Read to the end: a failure after the row (the commit) must surface here, not pass for a stored proof.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
            return new ProofInsertResult(verdict, row);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.UniqueViolation
                                                && RefusedBy(refused.ConstraintName) is { } verdict)
        {
            return new ProofInsertResult(verdict, null);
        }
    }

    /// <summary>The unique indexes whose refusal is an answer; any other violation is a bug and stays an error.</summary>
    private static ProofInsertVerdict? RefusedBy(string? constraint) => constraint switch
    {
        ProofConfiguration.IdempotencyKeyIndex => ProofInsertVerdict.IdempotencyKeyTaken,
        ProofConfiguration.LiveTransactionNumberIndex => ProofInsertVerdict.TransactionNumberTaken,
        _ => null,
    };

    /// <summary>Whether this deposit itself holds the number in a live proof (the user's own repeat).</summary>
    public Task<bool> HoldsLiveTransactionNumberAsync(Guid depositId, string transactionNumber, CancellationToken cancellationToken) =>
        db.Proofs.AnyAsync(p => p.DepositId == depositId && p.TransactionNumber == transactionNumber
                                && p.Status != ProofStatus.Rejected, cancellationToken);

    public Task<Proof?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Proofs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);

    public Task<Proof?> FindByIdempotencyKeyAsync(Guid depositId, string key, CancellationToken cancellationToken) =>
        db.Proofs.AsNoTracking().SingleOrDefaultAsync(p => p.DepositId == depositId && p.IdempotencyKey == key, cancellationToken);

    /// <summary>The gateway took the proof: forwarded, and the deposit now waits for its postback (one statement).</summary>
    public async Task<bool> MarkForwardedAsync(Proof proof, string? message, bool outcomeUncertain, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ProofStatements.MarkForwarded);
        command.Parameters.With(proof.Id).With(proof.Attempts).WithNullable(message, NpgsqlDbType.Text)
            .With(time.GetUtcNow()).With(outcomeUncertain);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>The gateway refused the proof: rejected, with its event for the ledger (one statement).</summary>
    public async Task<bool> MarkRejectedAsync(Proof proof, string message, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ProofStatements.MarkRejected);
        command.Parameters.With(proof.Id).With(proof.Attempts).With(message).With(time.GetUtcNow());
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>The attempt got no answer: queue it for <paramref name="retryAt"/>, or give up (<c>failed</c>) when null.</summary>
    public async Task<bool> MarkUndeliveredAsync(Proof proof, string error, bool outcomeUncertain, DateTimeOffset? retryAt,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var move = retryAt is null ? ProofMove.GiveUp : ProofMove.Queue;
        var status = ProofTransitions.Moves.To(move);
        return await Claimed(proof, move).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.Status, status)
            .SetProperty(p => p.LastError, error)
            .SetProperty(p => p.OutcomeUncertain, p => p.OutcomeUncertain || outcomeUncertain)
            .SetProperty(p => p.NextAttemptAt, retryAt)
            .SetProperty(p => p.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>
    /// Claims due proofs for delivery in one statement. SKIP LOCKED lets several instances claim
    /// side by side without waiting for or double-taking each other's rows; the claim itself
    /// (status submitting, attempt + 1, a lease) keeps everyone else off until it lapses. A lapsed
    /// lease means the last attempt's outcome is unknown, which the claim records.
    /// </summary>
    public async Task<IReadOnlyList<Proof>> ClaimDueAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = await dataSource.ClaimIdsAsync(ProofStatements.ClaimDue, time.GetUtcNow(), lease, batchSize, cancellationToken);
        return claimed.Count == 0 ? [] : await db.Proofs.AsNoTracking().Where(p => claimed.Contains(p.Id)).ToListAsync(cancellationToken);
    }

    /// <summary>The gateway answered again: queued proofs need not sit out the rest of their back-off.</summary>
    public Task<int> PullQueuedForwardAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var queued = ProofTransitions.Moves.To(ProofMove.Queue);
        return db.Proofs.Where(p => p.Status == EF.Constant(queued) && p.NextAttemptAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(p => p.NextAttemptAt, now), cancellationToken);
    }

    /// <summary>Ops: send a failed proof again, with a fresh allowance of attempts, recorded with who and why.</summary>
    public async Task<bool> RequeueFailedAsync(Guid id, int extraAttempts, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ProofStatements.Requeue);
        command.Parameters.With(id).With(actor).With(extraAttempts).With(time.GetUtcNow()).WithText(reason, OpsAudit.MaxReasonLength);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Streams the stored screenshot into a pooled buffer (sequential access: no intermediate copy).</summary>
    public async Task<PooledScreenshot> ReadScreenshotAsync(Proof proof, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ProofStatements.ReadScreenshot);
        command.Parameters.With(proof.Id);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Proof {proof.Id} has no stored screenshot.");
        }
        await using var stream = await reader.GetStreamAsync(0, cancellationToken);
        return await PooledScreenshot.ReadAsync(stream, stream.Length, cancellationToken);
    }

    /// <summary>
    /// Only the claimant of this attempt may record its outcome. Status guards are inlined as
    /// literals (EF.Constant), as the SQL statements' are: a parameter would hide from a generic plan
    /// that a partial index on status applies.
    /// </summary>
    private IQueryable<Proof> Claimed(Proof proof, ProofMove move)
    {
        var from = ProofTransitions.Moves.SingleFrom(move);
        return db.Proofs.Where(p => p.Id == proof.Id && p.Status == EF.Constant(from) && p.Attempts == proof.Attempts);
    }
}

/// <summary>
/// What <see cref="ProofStore.TryInsertAsync"/> decided. The numbers are the statement's verdicts
/// (<see cref="ProofStatements.Insert"/> writes them as literals), so they are fixed.
/// </summary>
public enum ProofInsertVerdict
{
    Stored = 0,

    /// <summary>No deposit with this id belongs to the user.</summary>
    DepositNotFound = 1,

    /// <summary>This deposit has a proof under the same Idempotency-Key already (returned with the verdict).</summary>
    StoredEarlier = 2,

    /// <summary>The deposit is confirmed or expired.</summary>
    DepositClosed = 3,

    /// <summary>The deposit has Proofs:MaxProofsPerDeposit proofs.</summary>
    TooManyProofs = 4,

    /// <summary>A live proof of this deposit holds the transaction number (the user's own repeat).</summary>
    NumberHeldHere = 5,

    /// <summary>A live proof of another deposit holds the transaction number.</summary>
    NumberHeldElsewhere = 6,

    /// <summary>A concurrent request stored a proof with the same Idempotency-Key first (its unique index refused this one).</summary>
    IdempotencyKeyTaken = 7,

    /// <summary>A concurrent request stored a live proof with the transaction number first (its unique index refused this one).</summary>
    TransactionNumberTaken = 8,
}

/// <summary>The verdict, and the proof it names: the one stored now, or the one stored earlier under the key.</summary>
public sealed record ProofInsertResult(ProofInsertVerdict Verdict, Proof? Proof);

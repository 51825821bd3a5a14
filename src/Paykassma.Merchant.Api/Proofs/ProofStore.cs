using Microsoft.EntityFrameworkCore;
using Npgsql;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// The proof table's reads (EF Core) and the request's and ops' state changes, each one named statement
/// (<see cref="ProofStatements"/>) on the data source guarded by the statuses it may move from
/// (<see cref="ProofTransitions"/>), ADR 0001. A delivery attempt's claim and outcome are Dispatching's
/// (<see cref="ProofForwarder"/>, ADR 0020). Screenshots are streamed into PostgreSQL, never copied
/// into memory whole.
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
            var row = ProofRow.Read(reader, 1);
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


    /// <summary>Ops: send a failed proof again, with a fresh allowance of attempts, recorded with who and why.</summary>
    public async Task<bool> RequeueFailedAsync(Guid id, int extraAttempts, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ProofStatements.Requeue);
        command.Parameters.With(id).With(actor).With(extraAttempts).With(time.GetUtcNow()).WithText(reason, OpsAudit.MaxReasonLength);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Streams the stored screenshot into a pooled buffer (sequential access: no intermediate copy).</summary>
    public async Task<PooledScreenshot> ReadScreenshotAsync(Guid proofId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ProofStatements.ReadScreenshot);
        command.Parameters.With(proofId);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Proof {proofId} has no stored screenshot.");
        }
        await using var stream = await reader.GetStreamAsync(0, cancellationToken);
        return await PooledScreenshot.ReadAsync(stream, stream.Length, cancellationToken);
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

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
    /// Stores the proof, its screenshot and the deposit's move to <c>proof_submitted</c> in one
    /// statement, or nothing when a unique index refuses the proof: the same Idempotency-Key on
    /// this deposit (a concurrent request), or its transaction number held by a live proof.
    /// </summary>
    public async Task<ProofInsert> TryInsertAsync(Proof proof, ReadOnlyMemory<byte> screenshot, CancellationToken cancellationToken)
    {
        // On the data source rather than through EF Core: a refused claim is an expected answer, and
        // EF Core would log every unique violation as a failed command at Error level.
        await using var command = ProofStatements.Insert.Command(dataSource, new ProofInsertInput(proof, screenshot));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return ProofInsert.Stored;
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.UniqueViolation
                                                && RefusedBy(refused.ConstraintName) is { } outcome)
        {
            return outcome;
        }
    }

    /// <summary>The unique indexes whose refusal is an answer; any other violation is a bug and stays an error.</summary>
    private static ProofInsert? RefusedBy(string? constraint) => constraint switch
    {
        ProofConfiguration.IdempotencyKeyIndex => ProofInsert.IdempotencyKeyTaken,
        ProofConfiguration.LiveTransactionNumberIndex => ProofInsert.TransactionNumberTaken,
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

    public Task<int> CountForDepositAsync(Guid depositId, CancellationToken cancellationToken) =>
        db.Proofs.CountAsync(p => p.DepositId == depositId, cancellationToken);

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

/// <summary>What <see cref="ProofStore.TryInsertAsync"/> did.</summary>
public enum ProofInsert
{
    Stored,

    /// <summary>This deposit has a proof with the same Idempotency-Key (stored by a concurrent request).</summary>
    IdempotencyKeyTaken,

    /// <summary>A live proof (on any deposit) holds the transaction number.</summary>
    TransactionNumberTaken,
}

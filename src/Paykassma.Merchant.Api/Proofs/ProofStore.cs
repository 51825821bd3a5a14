using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// The proof table's state changes, each one SQL statement guarded by the statuses it may move
/// from and by the attempt number that claimed the proof, so a late writer can never overwrite a
/// newer outcome. Screenshots are streamed into PostgreSQL, never copied into memory whole.
/// </summary>
public sealed class ProofStore(Persistence.MerchantDbContext db, TimeProvider time)
{
    /// <summary>
    /// Stores the proof, its screenshot and the deposit's move to <c>proof_submitted</c> in one
    /// transaction, or nothing when a unique index refuses the proof: the same Idempotency-Key on
    /// this deposit (a concurrent request), or its transaction number held by a live proof.
    /// </summary>
    public async Task<ProofInsert> TryInsertAsync(Proof proof, ReadOnlyMemory<byte> screenshot, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();

        // Plain Npgsql rather than EF Core: a refused claim is an expected answer, and EF Core
        // would log every unique violation as a failed command at Error level.
        await using (var command = new NpgsqlCommand("""
            INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status,
                attempts, attempt_limit, outcome_uncertain, next_attempt_at, idempotency_key, request_hash,
                screenshot_file_name, screenshot_content_type, screenshot_size, screenshot_sha256, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'submitting', $7, $8, false, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            """, connection, npgsqlTransaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = proof.Id });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = proof.DepositId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proof.Label });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proof.CustomTransactionId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proof.TransactionNumber });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = proof.Amount });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = proof.Attempts });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = proof.AttemptLimit });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)proof.NextAttemptAt ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)proof.IdempotencyKey ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proof.RequestHash });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proof.ScreenshotFileName });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proof.ScreenshotContentType });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = proof.ScreenshotSize });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proof.ScreenshotSha256 });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = proof.CreatedAt });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = proof.UpdatedAt });
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.UniqueViolation
                                                    && RefusedBy(refused.ConstraintName) is { } outcome)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return outcome;
            }
        }

        await using (var command = new NpgsqlCommand(
            "INSERT INTO proof_screenshots (proof_id, data) VALUES ($1, $2)",
            connection, npgsqlTransaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = proof.Id });
            // Written straight from this memory; a Stream parameter would be copied about three times.
            command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = screenshot });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE deposits SET status = 'proof_submitted', updated_at = {proof.CreatedAt}
            WHERE id = {proof.DepositId} AND status = 'awaiting_payment'
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ProofInsert.Stored;
    }

    /// <summary>The unique indexes whose refusal is an answer; any other violation is a bug and stays an error.</summary>
    private static ProofInsert? RefusedBy(string? constraint) => constraint switch
    {
        Persistence.ProofConfiguration.IdempotencyKeyIndex => ProofInsert.IdempotencyKeyTaken,
        Persistence.ProofConfiguration.LiveTransactionNumberIndex => ProofInsert.TransactionNumberTaken,
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

    /// <summary>The gateway took the proof: forwarded, and the deposit now waits for its postback.</summary>
    public async Task<bool> MarkForwardedAsync(Proof proof, string? message, bool outcomeUncertain, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await Claimed(proof).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.Status, ProofStatus.Forwarded)
            .SetProperty(p => p.GatewayMessage, message)
            .SetProperty(p => p.ForwardedAt, now)
            .SetProperty(p => p.OutcomeUncertain, p => p.OutcomeUncertain || outcomeUncertain)
            .SetProperty(p => p.NextAttemptAt, (DateTimeOffset?)null)
            .SetProperty(p => p.LastError, (string?)null)
            .SetProperty(p => p.UpdatedAt, now), cancellationToken);
        if (updated == 1)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE deposits SET status = 'pending_confirmation', updated_at = {now}
                WHERE id = {proof.DepositId} AND status IN ('awaiting_payment', 'proof_submitted')
                """, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return updated == 1;
    }

    public async Task<bool> MarkRejectedAsync(Proof proof, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await Claimed(proof).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.Status, ProofStatus.Rejected)
            .SetProperty(p => p.GatewayMessage, message)
            .SetProperty(p => p.NextAttemptAt, (DateTimeOffset?)null)
            .SetProperty(p => p.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>The attempt got no answer: queue it for <paramref name="retryAt"/>, or give up (<c>failed</c>) when null.</summary>
    public async Task<bool> MarkUndeliveredAsync(Proof proof, string error, bool outcomeUncertain, DateTimeOffset? retryAt,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var status = retryAt is null ? ProofStatus.Failed : ProofStatus.Queued;
        return await Claimed(proof).ExecuteUpdateAsync(set => set
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
        var now = time.GetUtcNow();
        var leaseEnd = now + lease;
        return await db.Proofs.FromSqlInterpolated($"""
            UPDATE proofs AS p
            SET status = 'submitting', attempts = p.attempts + 1, next_attempt_at = {leaseEnd}, updated_at = {now},
                outcome_uncertain = p.outcome_uncertain OR p.status = 'submitting'
            FROM (SELECT id FROM proofs
                  WHERE status IN ('queued', 'submitting') AND next_attempt_at <= {now}
                  ORDER BY next_attempt_at
                  LIMIT {batchSize}
                  FOR UPDATE SKIP LOCKED) AS due
            WHERE p.id = due.id
            RETURNING p.*
            """).AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>The gateway answered again: queued proofs need not sit out the rest of their back-off.</summary>
    public Task<int> PullQueuedForwardAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Proofs.Where(p => p.Status == ProofStatus.Queued && p.NextAttemptAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(p => p.NextAttemptAt, now), cancellationToken);
    }

    /// <summary>Ops: send a failed proof again, with a fresh allowance of attempts.</summary>
    public async Task<bool> RequeueFailedAsync(Guid id, int extraAttempts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.Proofs.Where(p => p.Id == id && p.Status == ProofStatus.Failed).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.Status, ProofStatus.Queued)
            .SetProperty(p => p.AttemptLimit, p => p.Attempts + extraAttempts)
            .SetProperty(p => p.NextAttemptAt, now)
            .SetProperty(p => p.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>Streams the stored screenshot into a pooled buffer (sequential access: no intermediate copy).</summary>
    public async Task<PooledScreenshot> ReadScreenshotAsync(Proof proof, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT data FROM proof_screenshots WHERE proof_id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = proof.Id });
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Proof {proof.Id} has no stored screenshot.");
            }
            await using var stream = await reader.GetStreamAsync(0, cancellationToken);
            return await PooledScreenshot.ReadAsync(stream, stream.Length, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Only the claimant of this attempt may record its outcome.</summary>
    private IQueryable<Proof> Claimed(Proof proof) =>
        db.Proofs.Where(p => p.Id == proof.Id && p.Status == ProofStatus.Submitting && p.Attempts == proof.Attempts);
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

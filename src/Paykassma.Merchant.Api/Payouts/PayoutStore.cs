using Microsoft.EntityFrameworkCore;
using Npgsql;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// The payout tables' reads (EF Core) and state changes (the named statements of
/// <see cref="PayoutStatements"/> on the data source, ADR 0001), each guarded by the statuses it may
/// move from. An attempt's claim and outcome are Dispatching's (<see cref="PayoutSender"/>, ADR 0020).
/// </summary>
public sealed class PayoutStore(MerchantDbContext db, NpgsqlDataSource dataSource, AttemptRunner<PayoutSender, ClaimedPayout> attempts,
    TimeProvider time)
{
    /// <summary>
    /// Stores the payout, counted into its label's and its account's daily totals, in one statement:
    /// <see cref="PayoutInsert.Stored"/> (with the status, attempts and lease the statement chose written
    /// back onto <paramref name="payout"/>: held for approval or claimed for its first attempt),
    /// <see cref="PayoutInsert.LabelDailyLimitReached"/> / <see cref="PayoutInsert.AccountDailyLimitReached"/>
    /// (nothing written) or <see cref="PayoutInsert.IdempotencyKeyTaken"/> (a concurrent request with the
    /// same key stored its payout first; nothing written).
    /// </summary>
    public async Task<PayoutInsert> TryInsertAsync(Payout payout, PayoutOptions settings, CancellationToken cancellationToken)
    {
        await using var command = PayoutStatements.Insert.Command(dataSource, new PayoutInsertInput(payout, settings));
        try
        {
            // On the data source, not EF Core: a refusal is an expected answer, which EF Core would log as an error.
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("The payout insert returned no row.");
            }
            payout.Status = SnakeCaseEnumConverter<PayoutStatus>.TryParse(reader.GetString(0), out var status)
                ? status
                : throw new InvalidOperationException("The payout insert returned an unknown status.");
            payout.Attempts = reader.GetInt32(1);
            payout.NextAttemptAt = await reader.IsDBNullAsync(2, cancellationToken) ? null
                : await reader.GetFieldValueAsync<DateTimeOffset>(2, cancellationToken);
            // Read to the end: a failure after the row (the commit) must surface here, not be mistaken for a stored payout.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
            return PayoutInsert.Stored;
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.CheckViolation
                                                && refused.ConstraintName == PayoutDailyTotalConfiguration.LabelLimit)
        {
            return PayoutInsert.LabelDailyLimitReached;
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.CheckViolation
                                                && refused.ConstraintName == PayoutDailyTotalConfiguration.AccountLimit)
        {
            return PayoutInsert.AccountDailyLimitReached;
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.UniqueViolation
                                                && refused.ConstraintName == PayoutConfiguration.IdempotencyKeyIndex)
        {
            return PayoutInsert.IdempotencyKeyTaken;
        }
    }

    public Task<Payout?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);

    public Task<Payout?> FindByIdempotencyKeyAsync(string createdBy, string key, CancellationToken cancellationToken) =>
        db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.CreatedBy == createdBy && p.IdempotencyKey == key, cancellationToken);

    /// <summary>
    /// Claims one payout if it is due (just approved or retried), or nothing if a dispatcher has it: the
    /// claim is Dispatching's (ADR 0020), with the payout dispatcher's lease.
    /// </summary>
    public Task<ClaimedPayout?> ClaimOneAsync(Guid id, CancellationToken cancellationToken) => attempts.ClaimOneAsync(id, cancellationToken);

    /// <summary>
    /// Four eyes: approves (and makes due) a payout awaiting approval, unless <paramref name="approver"/>
    /// created it. One statement, which also says why not: the payout's status and whether the approver
    /// created it, or nothing when there is no such payout.
    /// </summary>
    public async Task<PayoutApproval> ApproveAsync(Guid id, string approver, string? reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PayoutStatements.Approve);
        command.Parameters.With(id).With(approver).With(time.GetUtcNow()).WithText(reason, OpsAudit.MaxReasonLength);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetBoolean(0))
        {
            return new PayoutApproval(true, null, false);
        }
        if (await reader.IsDBNullAsync(1, cancellationToken))
        {
            return new PayoutApproval(false, null, false);
        }
        var status = SnakeCaseEnumConverter<PayoutStatus>.TryParse(reader.GetString(1), out var parsed)
            ? parsed
            : throw new InvalidOperationException("A payout row has an unknown status.");
        return new PayoutApproval(false, status, reader.GetBoolean(2));
    }

    public async Task<bool> RejectAsync(Guid id, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PayoutStatements.Reject);
        command.Parameters.With(id).With(actor).WithText(reason, OpsAudit.MaxReasonLength).With(time.GetUtcNow());
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<bool> RetryAsync(Guid id, string actor, string reason, int extraAttempts, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PayoutStatements.Retry);
        command.Parameters.With(id).With(actor).With(extraAttempts).With(time.GetUtcNow()).WithText(reason, OpsAudit.MaxReasonLength);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Everything ops see of a payout: its attempts, the actions taken on it, the signed transactions that name it.</summary>
    public async Task<PayoutHistory?> HistoryAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } payout)
        {
            return null;
        }
        var attempts = await db.PayoutAttempts.AsNoTracking().Where(a => a.PayoutId == id).OrderBy(a => a.Attempt)
            .ToListAsync(cancellationToken);
        var actions = await db.OpsActions.AsNoTracking()
            .Where(a => a.SubjectType == OpsSubjectType.Payout && a.SubjectId == id).OrderBy(a => a.At).ThenBy(a => a.Id)
            .ToListAsync(cancellationToken);
        var transactions = await db.GatewayTransactions.AsNoTracking().Where(t => t.PayoutId == id).OrderBy(t => t.StoredAt)
            .ToListAsync(cancellationToken);
        return new PayoutHistory(payout, attempts, actions, transactions);
    }
}

public sealed record PayoutHistory(
    Payout Payout,
    IReadOnlyList<PayoutAttempt> Attempts,
    IReadOnlyList<OpsAction> Actions,
    IReadOnlyList<Postbacks.GatewayTransaction> Transactions);

/// <summary>
/// What <see cref="PayoutStore.ApproveAsync"/> did: approved, or not, with the status the payout had (null:
/// no such payout) and whether the approver created it.
/// </summary>
public sealed record PayoutApproval(bool Approved, PayoutStatus? Status, bool OwnPayout);

/// <summary>What <see cref="PayoutStore.TryInsertAsync"/> did.</summary>
public enum PayoutInsert
{
    Stored,

    /// <summary>The label's payouts today would pass Payouts:DailyLimitPerLabel.</summary>
    LabelDailyLimitReached,

    /// <summary>The payouts to the account today would pass Payouts:DailyLimitPerAccount.</summary>
    AccountDailyLimitReached,

    /// <summary>The creator has a payout with this Idempotency-Key (stored by a concurrent request).</summary>
    IdempotencyKeyTaken,
}

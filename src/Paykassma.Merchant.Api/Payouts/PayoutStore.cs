using Microsoft.EntityFrameworkCore;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// The payout tables' reads (EF Core) and state changes (the named statements of
/// <see cref="PayoutStatements"/> on the data source, ADR 0001), each guarded by the statuses it may
/// move from, each returning the row it wrote (ADR 0025). An attempt's outcome is Dispatching's
/// (<see cref="PayoutSender"/>, ADR 0020).
/// </summary>
public sealed class PayoutStore(MerchantDbContext db, NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>
    /// Stores the payout, counted into its label's and its account's daily totals, in one statement that
    /// returns the stored row: <see cref="PayoutInsert.Stored"/> (held for approval or claimed for its first
    /// attempt: the statement chose), <see cref="PayoutInsert.StoredEarlier"/> (the creator's key already
    /// names a payout: that one, nothing written), <see cref="PayoutInsert.LabelDailyLimitReached"/> /
    /// <see cref="PayoutInsert.AccountDailyLimitReached"/> (nothing written) or
    /// <see cref="PayoutInsert.IdempotencyKeyTaken"/> (a concurrent request with the same key stored its
    /// payout after this statement began; nothing written, no row).
    /// </summary>
    public async Task<(PayoutInsert Verdict, Payout? Payout)> TryInsertAsync(Payout payout, PayoutOptions settings,
        CancellationToken cancellationToken)
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
            var verdict = reader.GetBoolean(0) ? PayoutInsert.Stored : PayoutInsert.StoredEarlier;
            var stored = PayoutRow.Read(reader, 1);
            // Read to the end: a failure after the row (the commit) must surface here, not be mistaken for a stored payout.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
            return (verdict, stored);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.CheckViolation
                                                && refused.ConstraintName == PayoutDailyTotalConfiguration.LabelLimit)
        {
            return (PayoutInsert.LabelDailyLimitReached, null);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.CheckViolation
                                                && refused.ConstraintName == PayoutDailyTotalConfiguration.AccountLimit)
        {
            return (PayoutInsert.AccountDailyLimitReached, null);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.UniqueViolation
                                                && refused.ConstraintName == PayoutConfiguration.IdempotencyKeyIndex)
        {
            return (PayoutInsert.IdempotencyKeyTaken, null);
        }
    }

    public Task<Payout?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);

    public Task<Payout?> FindByIdempotencyKeyAsync(string createdBy, string key, CancellationToken cancellationToken) =>
        db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.CreatedBy == createdBy && p.IdempotencyKey == key, cancellationToken);

    /// <summary>
    /// Four eyes: approves a payout awaiting approval, unless <paramref name="approver"/> created it, and
    /// claims its first attempt for this request, with <paramref name="lease"/> (ADR 0025).
    /// </summary>
    public Task<PayoutReviewAnswer> ApproveAsync(Guid id, string approver, string? reason, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return ReviewAsync(PayoutStatements.Approve, new PayoutReviewInput(id, approver, reason, now, now + lease), cancellationToken);
    }

    public Task<PayoutReviewAnswer> RejectAsync(Guid id, string actor, string reason, CancellationToken cancellationToken) =>
        ReviewAsync(PayoutStatements.Reject, new PayoutReviewInput(id, actor, reason, time.GetUtcNow()), cancellationToken);

    /// <summary>Sends a failed or refused payout again, claiming the attempt for this request with <paramref name="lease"/>.</summary>
    public Task<PayoutReviewAnswer> RetryAsync(Guid id, string actor, string reason, int extraAttempts, TimeSpan lease,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return ReviewAsync(PayoutStatements.Retry, new PayoutReviewInput(id, actor, reason, now, now + lease, extraAttempts), cancellationToken);
    }

    private async Task<PayoutReviewAnswer> ReviewAsync(NamedStatement<PayoutReviewInput> statement, PayoutReviewInput input,
        CancellationToken cancellationToken)
    {
        await using var command = statement.Command(dataSource, input);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("A payout review statement returned no row.");
        }
        var moved = PayoutRow.Read(reader, 2);
        PayoutStatus? found = await reader.IsDBNullAsync(0, cancellationToken) ? null
            : SnakeCaseEnumConverter<PayoutStatus>.TryParse(reader.GetString(0), out var status) ? status
            : throw new InvalidOperationException("A payout row has an unknown status.");
        var own = !await reader.IsDBNullAsync(1, cancellationToken) && reader.GetBoolean(1);
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
        return new PayoutReviewAnswer(moved, found, own);
    }

    /// <summary>
    /// A payout with its attempts and the signed transactions that name it (read through the postbacks'
    /// queries: their table is theirs). The ops actions on it are Ops' own to read.
    /// </summary>
    public async Task<PayoutHistory?> HistoryAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } payout)
        {
            return null;
        }
        var attempts = await db.PayoutAttempts.AsNoTracking().Where(a => a.PayoutId == id).OrderBy(a => a.Attempt)
            .ToListAsync(cancellationToken);
        var transactions = await Postbacks.PostbackQueries.OfPayoutAsync(db, id, cancellationToken);
        return new PayoutHistory(payout, attempts, transactions);
    }
}

public sealed record PayoutHistory(
    Payout Payout,
    IReadOnlyList<PayoutAttempt> Attempts,
    IReadOnlyList<Postbacks.GatewayTransaction> Transactions);

/// <summary>
/// What an ops action's statement did: <paramref name="Moved"/> is the payout as the action left it (an
/// approved or retried one claimed for the request's attempt), or null when it did not move; then
/// <paramref name="Found"/> is its status as the statement found it (null: no such payout) and
/// <paramref name="OwnPayout"/> whether the actor created it.
/// </summary>
public sealed record PayoutReviewAnswer(Payout? Moved, PayoutStatus? Found, bool OwnPayout);

/// <summary>What <see cref="PayoutStore.TryInsertAsync"/> did.</summary>
public enum PayoutInsert
{
    Stored,

    /// <summary>The creator's Idempotency-Key already names a payout (the statement returns it).</summary>
    StoredEarlier,

    /// <summary>The label's payouts today would pass Payouts:DailyLimitPerLabel.</summary>
    LabelDailyLimitReached,

    /// <summary>The payouts to the account today would pass Payouts:DailyLimitPerAccount.</summary>
    AccountDailyLimitReached,

    /// <summary>A concurrent request with this Idempotency-Key stored its payout after the statement began (no row returned).</summary>
    IdempotencyKeyTaken,
}

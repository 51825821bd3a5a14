using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// The reads of received postbacks and the signed transactions they brought, for the views that list
/// and show them (EF, untracked); the writes are <see cref="PostbackStatements"/>.
/// </summary>
public static class PostbackQueries
{
    /// <summary>Which postbacks to list; every filter optional. Verified: any outcome but rejected. From inclusive, To exclusive.</summary>
    public sealed record Filter(
        string? TransactionId, bool? Verified, PostbackOutcome? Outcome, string? Reason, DateTimeOffset? From, DateTimeOffset? To);

    /// <summary>Which signed transactions to list; every filter optional. Unapplied: it credited nothing (any reason).</summary>
    public sealed record TransactionFilter(
        string? TransactionId, string? CustomOrderId, TransactionDirection? Direction, Guid? DepositId, bool? Matched, bool? Unapplied,
        string? UnappliedReason);

    /// <summary>The most postbacks a deposit's view shows (its transactions' redeliveries could be many).</summary>
    public const int MaxPostbacksOfDeposit = 200;

    /// <summary>Postbacks matching the filter, newest first, without their bodies.</summary>
    public static async Task<(List<PostbackRecord> Items, int Total)> ListAsync(
        MerchantDbContext db, Filter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Postbacks.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.TransactionId))
        {
            var transactionId = filter.TransactionId;
            query = query.Where(p => p.TransactionIds.Contains(transactionId));
        }
        if (filter.Verified is { } v)
        {
            query = v ? query.Where(p => p.Outcome != PostbackOutcome.Rejected) : query.Where(p => p.Outcome == PostbackOutcome.Rejected);
        }
        if (filter.Outcome is { } o)
        {
            query = query.Where(p => p.Outcome == o);
        }
        if (!string.IsNullOrEmpty(filter.Reason))
        {
            var reason = filter.Reason;
            query = query.Where(p => p.RejectReason == reason);
        }
        if (filter.From is { } f)
        {
            query = query.Where(p => p.ReceivedAt >= f);
        }
        if (filter.To is { } t)
        {
            query = query.Where(p => p.ReceivedAt < t);
        }

        // Paged by hand rather than with Paging.PageAsync: the body is left out after the page is cut.
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.Id)
            .Skip(Paging.Offset(page, pageSize)).Take(pageSize)
            .WithoutBody()
            .ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>One postback, body included; null for no such postback.</summary>
    public static Task<PostbackRecord?> FindAsync(MerchantDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Postbacks.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);

    /// <summary>The count of the postback's replays (ADR 0014); null when it was never delivered again.</summary>
    public static Task<PostbackRepeat?> RepeatsAsync(MerchantDbContext db, Guid postbackId, CancellationToken cancellationToken) =>
        db.PostbackRepeats.AsNoTracking().SingleOrDefaultAsync(r => r.PostbackId == postbackId, cancellationToken);

    /// <summary>
    /// The stored transactions a postback carries, oldest first: the ones it brought and the ones an
    /// earlier postback brought first, each fact once.
    /// </summary>
    public static async Task<List<GatewayTransaction>> OfPostbackAsync(
        MerchantDbContext db, PostbackRecord postback, CancellationToken cancellationToken)
    {
        var id = postback.Id;
        var transactions = await db.GatewayTransactions.AsNoTracking()
            .Where(t => t.PostbackId == id)
            .Concat(db.GatewayTransactions.AsNoTracking().CarryingAny(postback.TransactionIds))
            .OrderBy(t => t.StoredAt).ToListAsync(cancellationToken);
        // UNION ALL, then each fact once here: json has no equality for UNION.
        return transactions.DistinctBy(t => t.Id).ToList();
    }

    /// <summary>Signed transactions matching the filter, newest first.</summary>
    public static Task<(List<GatewayTransaction> Items, int Total)> ListTransactionsAsync(
        MerchantDbContext db, TransactionFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.GatewayTransactions.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.TransactionId))
        {
            query = query.CarryingAny([filter.TransactionId]);
        }
        if (!string.IsNullOrEmpty(filter.CustomOrderId))
        {
            var customOrderId = filter.CustomOrderId;
            query = query.Where(t => t.CustomOrderId == customOrderId);
        }
        if (filter.Direction is { } d)
        {
            query = query.Where(t => t.Direction == d);
        }
        if (filter.DepositId is { } deposit)
        {
            query = query.Where(t => t.DepositId == deposit);
        }
        if (filter.Matched is { } m)
        {
            query = m ? query.Where(t => t.DepositId != null) : query.Where(t => t.DepositId == null);
        }
        if (filter.Unapplied is { } u)
        {
            query = u ? query.Where(t => t.UnappliedReason != null) : query.Where(t => t.UnappliedReason == null);
        }
        if (filter.UnappliedReason is { } reason)
        {
            query = query.Where(t => t.UnappliedReason == reason);
        }
        return query.PageAsync(q => q.OrderByDescending(t => t.StoredAt), page, pageSize, cancellationToken);
    }

    /// <summary>
    /// A deposit's signed transactions, oldest first: the ones matched to it, and any that name one of
    /// its proofs (<paramref name="customOrderIds"/>) without being applied to it.
    /// </summary>
    public static Task<List<GatewayTransaction>> OfDepositAsync(
        MerchantDbContext db, Guid depositId, IReadOnlyCollection<string> customOrderIds, CancellationToken cancellationToken)
    {
        var ids = customOrderIds.ToList();
        return db.GatewayTransactions.AsNoTracking()
            .Where(t => t.DepositId == depositId || (t.CustomOrderId != null && ids.Contains(t.CustomOrderId)))
            .OrderBy(t => t.StoredAt).ToListAsync(cancellationToken);
    }

    /// <summary>The signed transactions matched to a payout, oldest first.</summary>
    public static Task<List<GatewayTransaction>> OfPayoutAsync(MerchantDbContext db, Guid payoutId, CancellationToken cancellationToken) =>
        db.GatewayTransactions.AsNoTracking().Where(t => t.PayoutId == payoutId).OrderBy(t => t.StoredAt).ToListAsync(cancellationToken);

    /// <summary>
    /// The postbacks that carried any of <paramref name="transactionIds"/>, oldest first, without their
    /// bodies, at most <see cref="MaxPostbacksOfDeposit"/>.
    /// </summary>
    public static Task<List<PostbackRecord>> CarryingAnyAsync(
        MerchantDbContext db, IReadOnlyCollection<string?> transactionIds, CancellationToken cancellationToken)
    {
        var ids = transactionIds.ToList();
        return db.Postbacks.AsNoTracking()
            .Where(p => p.TransactionIds.Any(t => ids.Contains(t)))
            .OrderBy(p => p.ReceivedAt).Take(MaxPostbacksOfDeposit)
            .WithoutBody()
            .ToListAsync(cancellationToken);
    }

    /// <summary>Everything but the body: a list of summaries need not carry megabytes of junk.</summary>
    private static IQueryable<PostbackRecord> WithoutBody(this IQueryable<PostbackRecord> postbacks) =>
        postbacks.Select(p => new PostbackRecord
        {
            Id = p.Id, ReceivedAt = p.ReceivedAt, Outcome = p.Outcome, RejectReason = p.RejectReason, VerifiedWith = p.VerifiedWith,
            Format = p.Format, Direction = p.Direction, Amount = p.Amount, Label = p.Label, TransactionIds = p.TransactionIds,
            TransactionCount = p.TransactionCount, NewTransactionCount = p.NewTransactionCount, Discrepancies = p.Discrepancies,
            BodyLength = p.BodyLength, RemoteIp = p.RemoteIp, ReverifiedAt = p.ReverifiedAt, Body = Array.Empty<byte>(),
            BodySha256 = p.BodySha256,
        });
}

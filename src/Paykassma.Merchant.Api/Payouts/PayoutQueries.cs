using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>The payouts' reads for the views that list them (EF, untracked); the writes are <see cref="PayoutStatements"/>.</summary>
public static class PayoutQueries
{
    /// <summary>What to list; every filter optional. Stale: sent before <c>SentBefore</c> without a final status.</summary>
    public sealed record Filter(
        PayoutStatus? Status, string? Label, DateTimeOffset? From, DateTimeOffset? To, bool? Stale, DateTimeOffset SentBefore, bool? Conflict);

    /// <summary>Payouts matching the filter, newest first.</summary>
    public static Task<(List<Payout> Items, int Total)> ListAsync(
        MerchantDbContext db, Filter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Payouts.AsNoTracking();
        if (filter.Status is { } s)
        {
            query = query.Where(p => p.Status == s);
        }
        if (!string.IsNullOrEmpty(filter.Label))
        {
            query = query.Where(p => p.Label == filter.Label);
        }
        if (filter.Stale is { } late)
        {
            // As the stale watch and the gauge count it (ix_payouts_sent serves it).
            var sentBefore = filter.SentBefore;
            query = late
                ? query.Where(p => p.Status == PayoutStatus.Sent && p.SentAt < sentBefore)
                : query.Where(p => !(p.Status == PayoutStatus.Sent && p.SentAt < sentBefore));
        }
        if (filter.Conflict is { } contradicted)
        {
            // ix_payouts_status_conflict serves the true side: few rows.
            query = query.Where(p => p.StatusConflict == contradicted);
        }
        if (filter.From is { } f)
        {
            query = query.Where(p => p.CreatedAt >= f);
        }
        if (filter.To is { } t)
        {
            query = query.Where(p => p.CreatedAt < t);
        }
        return query.PageAsync(q => q.OrderByDescending(p => p.CreatedAt), page, pageSize, cancellationToken);
    }
}

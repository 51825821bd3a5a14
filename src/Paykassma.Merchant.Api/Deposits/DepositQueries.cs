using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>The deposits' reads for the views that list and show them (EF, untracked); the writes are <see cref="DepositStatements"/>.</summary>
public static class DepositQueries
{
    /// <summary>Deposits by label, status and creation time (from inclusive, to exclusive; each optional), newest first.</summary>
    public static Task<(List<Deposit> Items, int Total)> ListAsync(
        MerchantDbContext db, string? label, DepositStatus? status, DateTimeOffset? from, DateTimeOffset? to,
        int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Deposits.AsNoTracking();
        if (!string.IsNullOrEmpty(label))
        {
            query = query.Where(d => d.Label == label);
        }
        if (status is { } s)
        {
            query = query.Where(d => d.Status == s);
        }
        if (from is { } f)
        {
            query = query.Where(d => d.CreatedAt >= f);
        }
        if (to is { } t)
        {
            query = query.Where(d => d.CreatedAt < t);
        }
        return query.PageAsync(q => q.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id), page, pageSize, cancellationToken);
    }

    public static Task<Deposit?> FindAsync(MerchantDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Deposits.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
}

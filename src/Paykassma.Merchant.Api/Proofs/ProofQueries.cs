using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>The proofs' reads for the views that list and show them (EF, untracked); the writes are <see cref="ProofStatements"/>.</summary>
public static class ProofQueries
{
    /// <summary>Proofs by status, deposit and label (each optional), newest first.</summary>
    public static Task<(List<Proof> Items, int Total)> ListAsync(
        MerchantDbContext db, ProofStatus? status, Guid? depositId, string? label, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Proofs.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(p => p.Status == s);
        }
        if (depositId is { } d)
        {
            query = query.Where(p => p.DepositId == d);
        }
        if (!string.IsNullOrEmpty(label))
        {
            query = query.Where(p => p.Label == label);
        }
        return query.PageAsync(q => q.OrderByDescending(p => p.CreatedAt), page, pageSize, cancellationToken);
    }

    /// <summary>A deposit's proofs, oldest first.</summary>
    public static Task<List<Proof>> OfDepositAsync(MerchantDbContext db, Guid depositId, CancellationToken cancellationToken) =>
        db.Proofs.AsNoTracking().Where(p => p.DepositId == depositId).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>The proofs of some deposits (a page of them), oldest first.</summary>
    public static Task<List<Proof>> OfDepositsAsync(
        MerchantDbContext db, IReadOnlyCollection<Guid> depositIds, CancellationToken cancellationToken)
    {
        var ids = depositIds.ToList();
        return db.Proofs.AsNoTracking().Where(p => ids.Contains(p.DepositId)).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
    }

    public sealed record ScreenshotFile(string ContentType, string FileName, byte[] Data);

    /// <summary>A proof's screenshot as the user uploaded it, with its declared type and name; null for no such proof.</summary>
    public static Task<ScreenshotFile?> ScreenshotAsync(MerchantDbContext db, Guid proofId, CancellationToken cancellationToken) =>
        db.Proofs.AsNoTracking().Where(p => p.Id == proofId)
            .Join(db.ProofScreenshots, p => p.Id, s => s.ProofId, (p, s) => new ScreenshotFile(p.ScreenshotContentType, p.ScreenshotFileName, s.Data))
            .SingleOrDefaultAsync(cancellationToken);
}

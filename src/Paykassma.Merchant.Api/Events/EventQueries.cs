using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Events;

/// <summary>The outbox's reads for the views that list its money events (EF, untracked); the writes are <see cref="EventStatements"/>.</summary>
public static class EventQueries
{
    /// <summary>Events by status, type and subject (each optional), newest first.</summary>
    public static Task<(List<OutboxEvent> Items, int Total)> ListAsync(
        MerchantDbContext db, EventStatus? status, string? type, Guid? subjectId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.OutboxEvents.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(e => e.Status == s);
        }
        if (type is not null)
        {
            query = query.Where(e => e.Type == type);
        }
        if (subjectId is { } subject)
        {
            query = query.Where(e => e.SubjectId == subject);
        }
        return query.PageAsync(q => q.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Id), page, pageSize, cancellationToken);
    }
}

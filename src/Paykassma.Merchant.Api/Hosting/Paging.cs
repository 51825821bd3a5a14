using Microsoft.EntityFrameworkCore;
namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Page/pageSize as every list takes them, each refused under its own name. The offset is checked
/// too: (page - 1) * pageSize past int.MaxValue would wrap to a negative OFFSET, which PostgreSQL
/// refuses (a client's mistake, not an outage). A list declares its largest page with
/// <see cref="WithPaging{TBuilder}"/>, which is what the OpenAPI document states for it.
/// </summary>
public static class Paging
{
    public const string PageField = "page";
    public const string PageSizeField = "pageSize";

    /// <summary>Every paging problem, keyed by the query parameter it is about; empty when both are fine.</summary>
    public static Dictionary<string, string[]> Errors(int page, int pageSize, int maxPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (pageSize < 1 || pageSize > maxPageSize)
        {
            errors[PageSizeField] = [$"From 1 to {maxPageSize}."];
        }
        if (page < 1)
        {
            errors[PageField] = ["From 1."];
        }
        else if (errors.Count == 0 && (long)(page - 1) * pageSize > int.MaxValue)
        {
            errors[PageField] = [$"Too far: (page - 1) × pageSize must stay within {int.MaxValue}."];
        }
        return errors;
    }

    public static int Offset(int page, int pageSize) => (page - 1) * pageSize;

    /// <summary>One page of an ordered query and the count of the whole (two statements, as every list answers).</summary>
    public static async Task<(List<T> Items, int Total)> PageAsync<T>(
        this IQueryable<T> filtered, Func<IQueryable<T>, IOrderedQueryable<T>> order, int page, int pageSize, CancellationToken cancellationToken)
    {
        var total = await filtered.CountAsync(cancellationToken);
        var items = await order(filtered).Skip(Offset(page, pageSize)).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>The list's largest page, for the OpenAPI document (pageSize's maximum).</summary>
    public static TBuilder WithPaging<TBuilder>(this TBuilder builder, int maxPageSize) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PagingMetadata(maxPageSize));
}

/// <summary>Endpoint metadata: this list pages, up to <paramref name="MaxPageSize"/> items a page.</summary>
public sealed record PagingMetadata(int MaxPageSize);

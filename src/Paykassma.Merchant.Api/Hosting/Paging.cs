namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Page/pageSize as every list takes them. The offset is checked too: (page - 1) * pageSize past
/// int.MaxValue would wrap to a negative OFFSET, which PostgreSQL refuses (a client's mistake, not
/// an outage).
/// </summary>
public static class Paging
{
    public static bool IsValid(int page, int pageSize, int maxPageSize) =>
        page >= 1 && pageSize >= 1 && pageSize <= maxPageSize && (long)(page - 1) * pageSize <= int.MaxValue;

    public static string Rule(int maxPageSize) =>
        $"page starts at 1 (and page × pageSize stays within {int.MaxValue}); pageSize is 1 to {maxPageSize}.";

    public static int Offset(int page, int pageSize) => (page - 1) * pageSize;
}

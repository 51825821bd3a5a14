using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Paykassma.Merchant.Api.Attention;

internal static class AttentionExtensions
{
    public static IServiceCollection AddAttention(this IServiceCollection services)
    {
        services.AddOptions<AttentionOptions>().BindConfiguration(AttentionOptions.SectionName)
            .Validate(o => o.ProofUnconfirmedAfter > TimeSpan.Zero && o.ApprovalWaitingAfter > TimeSpan.Zero,
                "Attention:ProofUnconfirmedAfter and Attention:ApprovalWaitingAfter must be positive.")
            .ValidateOnStart();
        services.AddSingleton<AttentionStore>();
        return services;
    }

    /// <summary>
    /// The partial index of every kind on <paramref name="table"/> that has its own (ADR 0016): keyed by
    /// the kind's since column, filtered by its condition and "not seen", both from the kind's entry, so
    /// the index and the statements cannot disagree and a seen row leaves the index.
    /// </summary>
    public static void AddAttentionIndexes<T>(this EntityTypeBuilder<T> entity, string table) where T : class
    {
        foreach (var kind in AttentionKinds.All.Where(k => k.OwnIndex && k.Table == table))
        {
            entity.HasIndex([PropertyOf(kind.SinceColumn!)], kind.Index).HasFilter(kind.IndexFilter).HasDatabaseName(kind.Index);
        }
    }

    /// <summary>The entity property a snake_case column maps to (proof_forwarded_at: ProofForwardedAt).</summary>
    private static string PropertyOf(string column) =>
        string.Concat(column.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}

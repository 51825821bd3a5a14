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
    /// The partial indexes of every kind on <paramref name="table"/> that has its own (ADR 0016): keyed by
    /// the kind's since column and the id, filtered by its condition and "not seen" (or "seen"), both from the kind's
    /// entry, so the indexes and the statements cannot disagree and a mark moves a row from one to the other.
    /// </summary>
    public static void AddAttentionIndexes<T>(this EntityTypeBuilder<T> entity, string table) where T : class
    {
        foreach (var kind in AttentionKinds.All.Where(k => k.OwnIndex && k.Table == table))
        {
            // Keyed (since, id): the page's order within the kind, so a branch reads its first rows in order
            // and stops, whatever the planner guesses of how many there are.
            string[] key = [PropertyOf(kind.SinceColumn!), "Id"];
            entity.HasIndex(key, kind.Index).HasFilter(kind.IndexFilter(seen: false)).HasDatabaseName(kind.Index);
            entity.HasIndex(key, kind.SeenIndex!).HasFilter(kind.IndexFilter(seen: true)).HasDatabaseName(kind.SeenIndex);
        }
    }

    /// <summary>The entity property a snake_case column maps to (proof_forwarded_at: ProofForwardedAt).</summary>
    private static string PropertyOf(string column) =>
        string.Concat(column.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// The deposits' change log, filled by the trigger on <c>deposits</c> that the DepositChanges migration
/// creates (ADR 0018). No foreign key: the trigger is its only writer, and a key check would be one more
/// lookup on every postback.
/// </summary>
internal sealed class DepositChangeConfiguration : IEntityTypeConfiguration<DepositChange>
{
    public void Configure(EntityTypeBuilder<DepositChange> change)
    {
        change.ToTable("deposit_changes");
        change.HasKey(c => c.Id);
        change.Property(c => c.Id).UseSerialColumn();
        change.Property(c => c.Status).HasConversion<SnakeCaseEnumConverter<DepositStatus>>().HasMaxLength(32);
        change.Property(c => c.ConfirmedAmount).HasColumnType("numeric(20,2)");
        // A stream's replay: one deposit's changes after an id.
        change.HasIndex(c => new { c.DepositId, c.Id });
        // The retention job's batches, oldest first.
        change.HasIndex(c => c.At);
    }
}

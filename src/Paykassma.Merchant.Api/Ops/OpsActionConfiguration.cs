using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Ops;

internal sealed class OpsActionConfiguration : IEntityTypeConfiguration<OpsAction>
{
    public void Configure(EntityTypeBuilder<OpsAction> action)
    {
        action.ToTable("ops_actions", table =>
        {
            table.HasCheckConstraint("ck_ops_actions_action", $"action IN ({SnakeCaseEnumConverter<OpsActionType>.SqlValues()})");
            table.HasCheckConstraint("ck_ops_actions_subject_type", $"subject_type IN ({SnakeCaseEnumConverter<OpsSubjectType>.SqlValues()})");
        });
        action.HasKey(a => a.Id);
        action.Property(a => a.Id).UseIdentityAlwaysColumn();
        action.Property(a => a.Actor).HasMaxLength(Actor.MaxLength);
        action.Property(a => a.Action).HasConversion<SnakeCaseEnumConverter<OpsActionType>>().HasMaxLength(32);
        action.Property(a => a.SubjectType).HasConversion<SnakeCaseEnumConverter<OpsSubjectType>>().HasMaxLength(16);
        action.Property(a => a.Reason).HasMaxLength(OpsAudit.MaxReasonLength);
        action.Property(a => a.Detail).HasColumnType("jsonb");

        // No foreign key: the subjects live in four tables. The statement that records an action takes
        // its subject id from the row it just changed.
        action.HasIndex(a => new { a.SubjectId, a.At });
        action.HasIndex(a => a.At);
        action.HasIndex(a => new { a.Actor, a.At });
    }
}

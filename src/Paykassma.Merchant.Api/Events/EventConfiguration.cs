using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Events;

internal sealed class EventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> outboxEvent)
    {
        outboxEvent.ToTable("outbox_events", table =>
        {
            table.HasCheckConstraint("ck_outbox_events_status", $"status IN ({SnakeCaseEnumConverter<EventStatus>.SqlValues()})");
            // A failed event always says since when: the attention list orders and marks it by that. An
            // instance of an older version cannot give one up without it: its statement fails, the lease
            // lapses, and a current one gives it up properly.
            table.HasCheckConstraint("ck_outbox_events_failed_at", $"status <> {EventTransitions.Sql(EventStatus.Failed)} OR failed_at IS NOT NULL");
        });
        outboxEvent.HasKey(e => e.Id);
        outboxEvent.Property(e => e.Id).ValueGeneratedNever();
        outboxEvent.Property(e => e.Type).HasMaxLength(64);
        outboxEvent.Property(e => e.DedupeKey).HasMaxLength(200);
        outboxEvent.Property(e => e.Data).HasColumnType("jsonb");
        outboxEvent.Property(e => e.Status).HasConversion<SnakeCaseEnumConverter<EventStatus>>().HasMaxLength(32);
        outboxEvent.Property(e => e.LastError).HasMaxLength(64);

        // One event per change: the statement that makes it inserts ON CONFLICT DO NOTHING on this.
        outboxEvent.HasIndex(e => e.DedupeKey).IsUnique();
        // The dispatcher's work list stays small however many events were ever delivered.
        outboxEvent.HasIndex(e => e.NextAttemptAt).HasFilter($"status IN ({EventTransitions.Moves.SqlFrom(EventMove.Claim)})").HasDatabaseName("ix_outbox_events_due");
        outboxEvent.HasIndex(e => new { e.Status, e.CreatedAt });
        outboxEvent.HasIndex(e => new { e.SubjectId, e.CreatedAt });
        outboxEvent.AddAttentionIndexes("outbox_events");
    }
}

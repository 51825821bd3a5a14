using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Deposits;

internal sealed class DepositConfiguration : IEntityTypeConfiguration<Deposit>
{
    public void Configure(EntityTypeBuilder<Deposit> deposit)
    {
        deposit.ToTable("deposits", table => table.HasCheckConstraint("ck_deposits_status",
            $"status IN ({SnakeCaseEnumConverter<DepositStatus>.SqlValues()})"));
        deposit.HasKey(d => d.Id);
        deposit.Property(d => d.Id).ValueGeneratedNever();
        deposit.Property(d => d.Label).HasMaxLength(190);
        deposit.Property(d => d.Status).HasConversion<SnakeCaseEnumConverter<DepositStatus>>().HasMaxLength(32);
        deposit.Property(d => d.Currency).HasMaxLength(3);
        deposit.Property(d => d.WalletType).HasMaxLength(190);
        deposit.Property(d => d.GatewayParams).HasColumnType("jsonb");
        deposit.Property(d => d.ConfirmedAmount).HasColumnType("numeric(20,2)");
        deposit.Property(d => d.AmountDiffers)
            .HasComputedColumnSql("amount IS NOT NULL AND confirmed_amount IS NOT NULL AND confirmed_amount <> amount", stored: true);
        // Ops' list of deposits confirmed for another amount than asked: few rows, so a partial index.
        deposit.HasIndex(d => d.ConfirmedAt).HasFilter("amount_differs").HasDatabaseName("ix_deposits_amount_differs");
        deposit.Property(d => d.CreditedProofIds).HasDefaultValueSql("'{}'::uuid[]");
        deposit.Property(d => d.CustomTransactionId).HasMaxLength(190);
        // A payment window deposit's id towards the gateway: the postback finds the deposit by it, as
        // it finds a proof by the proof's. Only window deposits have one, so the index holds only them.
        deposit.HasIndex(d => d.CustomTransactionId).IsUnique().HasFilter("custom_transaction_id IS NOT NULL")
            .HasDatabaseName("ux_deposits_custom_transaction_id");
        // The expiry job's work list: only unconfirmed deposits, oldest first.
        deposit.HasIndex(d => d.CreatedAt).HasFilter($"status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.Expire)})")
            .HasDatabaseName("ix_deposits_unconfirmed_created_at");
        deposit.HasIndex(d => new { d.Status, d.CreatedAt });
        // A user's list, newest first.
        deposit.HasIndex(d => new { d.Label, d.CreatedAt }).IsDescending(false, true);
        deposit.AddAttentionIndexes("deposits");
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> record)
    {
        record.ToTable("deposit_idempotency_keys");
        record.HasKey(r => new { r.Label, r.Key });
        record.Property(r => r.Label).HasMaxLength(190);
        record.Property(r => r.Key).HasMaxLength(255);
        record.Property(r => r.RequestHash).HasMaxLength(64);
        record.HasOne<Deposit>().WithMany().HasForeignKey(r => r.DepositId).OnDelete(DeleteBehavior.Cascade);
    }
}

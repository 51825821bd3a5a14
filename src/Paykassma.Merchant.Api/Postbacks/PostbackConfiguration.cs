using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

internal sealed class PostbackRecordConfiguration : IEntityTypeConfiguration<PostbackRecord>
{
    public void Configure(EntityTypeBuilder<PostbackRecord> postback)
    {
        postback.ToTable("postbacks", table => table.HasCheckConstraint("ck_postbacks_outcome",
            $"outcome IN ({SnakeCaseEnumConverter<PostbackOutcome>.SqlValues()})"));
        postback.HasKey(p => p.Id);
        postback.Property(p => p.Id).ValueGeneratedNever();
        postback.Property(p => p.Outcome).HasConversion<SnakeCaseEnumConverter<PostbackOutcome>>().HasMaxLength(16);
        postback.Property(p => p.BodySha256).HasMaxLength(ColumnLimits.Sha256Hex);
        postback.Property(p => p.SignedSha256).HasMaxLength(ColumnLimits.Sha256Hex);
        postback.Property(p => p.RemoteIp).HasMaxLength(ColumnLimits.RemoteIp);
        postback.Property(p => p.RejectReason).HasMaxLength(ColumnLimits.ReasonCode);
        postback.Property(p => p.RejectDetail).HasMaxLength(ColumnLimits.RejectDetail);
        postback.Property(p => p.VerifiedWith).HasMaxLength(ColumnLimits.KeyName);
        postback.Property(p => p.Format).HasMaxLength(ColumnLimits.Format);
        postback.Property(p => p.Signature).HasMaxLength(ColumnLimits.Signature);
        postback.Property(p => p.AccessKey).HasMaxLength(ColumnLimits.GatewayText);
        postback.Property(p => p.Direction).HasMaxLength(ColumnLimits.Direction);
        postback.Property(p => p.Amount).HasMaxLength(ColumnLimits.AmountText);
        postback.Property(p => p.Label).HasMaxLength(ColumnLimits.GatewayText);
        postback.Property(p => p.Discrepancies).HasColumnType("jsonb");
        postback.HasIndex(p => p.TransactionIds).HasMethod("gin");
        postback.HasIndex(p => p.ReceivedAt);
        postback.HasIndex(p => new { p.Outcome, p.ReceivedAt });
        // A postback with no items is a duplicate when its signed value was seen before: only those
        // are looked up by it, so only those are indexed.
        postback.HasIndex(p => p.SignedSha256).HasFilter("transaction_count = 0").HasDatabaseName("ix_postbacks_signed_sha256_no_items");
    }
}

internal sealed class GatewayTransactionConfiguration : IEntityTypeConfiguration<GatewayTransaction>
{
    public void Configure(EntityTypeBuilder<GatewayTransaction> transaction)
    {
        transaction.ToTable("gateway_transactions", table => table.HasCheckConstraint("ck_gateway_transactions_direction",
            $"direction IN ({SnakeCaseEnumConverter<TransactionDirection>.SqlValues()})"));
        transaction.HasKey(t => t.Id);
        transaction.Property(t => t.Id).ValueGeneratedNever();
        transaction.Property(t => t.Direction).HasConversion<SnakeCaseEnumConverter<TransactionDirection>>();
        // The signed columns' lengths and types are those the postback statement binds them with (one description).
        foreach (var column in SignedItemColumns.StoredAsSent)
        {
            var property = transaction.Property(column.Property);
            if (column.MaxLength is { } length)
            {
                property.HasMaxLength(length);
            }
            if (column.StoredType is { } type)
            {
                property.HasColumnType(type);
            }
        }
        transaction.Property(t => t.Amount).HasColumnType("numeric");
        transaction.Property(t => t.UnappliedReason).HasMaxLength(ColumnLimits.UnappliedReason);
        // The one foreign key: retention deletes postbacks, and a signed fact must never lose the postback
        // that brought it. proof_id, deposit_id and payout_id have none (ADR 0024): the statement takes
        // them from the rows it joins (and locks, for the deposit it confirms and the payout it settles),
        // and no statement deletes a deposit, a proof or a payout (NoDeleteTests), so each check (a row
        // lock FOR KEY SHARE per item, on the row the statement has just updated) guarded nothing.
        transaction.HasOne<PostbackRecord>().WithMany().HasForeignKey(t => t.PostbackId).OnDelete(DeleteBehavior.Restrict);

        // One signed fact, one row (ADR 0014): redeliveries, however concurrent, store one row, and a
        // withdrawal's every status is a fact of its own. Ops find a deposit's transaction id through
        // this key too (SignedFacts.KeysForTransactionId), so the hot insert writes no second index for it.
        transaction.HasIndex(t => t.FactKey).IsUnique().HasDatabaseName("ux_gateway_transactions_fact_key");
        // The transaction ids that withdrawal facts carry, for ops' search: outgoing rows only, so few.
        transaction.HasIndex(t => t.TransactionId).HasFilter("withdrawal_id IS NOT NULL")
            .HasDatabaseName("ix_gateway_transactions_withdrawal_transaction_id");
        // Ops' list of what credited nothing: few rows, so a partial index.
        transaction.HasIndex(t => t.StoredAt, "ix_gateway_transactions_unapplied_stored_at").HasFilter("unapplied_reason IS NOT NULL")
            .HasDatabaseName("ix_gateway_transactions_unapplied_stored_at");
        transaction.HasIndex(t => t.CustomOrderId);
        transaction.HasIndex(t => t.DepositId);
        transaction.HasIndex(t => t.ProofId);
        transaction.HasIndex(t => t.PayoutId).HasFilter("payout_id IS NOT NULL");
        transaction.HasIndex(t => t.StoredAt);
        // Also ix_gateway_transactions_reported_at on COALESCE(activated_at, stored_at), for the daily
        // reconciliation: an expression index, written by hand in migration ReconciliationReportedAt.
        // What credited nothing and no person has looked at yet: the attention list and its gauge.
        transaction.AddAttentionIndexes("gateway_transactions");
    }
}

internal sealed class PostbackRepeatConfiguration : IEntityTypeConfiguration<PostbackRepeat>
{
    public void Configure(EntityTypeBuilder<PostbackRepeat> repeat)
    {
        repeat.ToTable("postback_repeats");
        repeat.HasKey(r => r.PostbackId);
        repeat.Property(r => r.PostbackId).ValueGeneratedNever();
        repeat.Property(r => r.LastRemoteIp).HasMaxLength(ColumnLimits.RemoteIp);
        repeat.Property(r => r.LastDiscrepancies).HasColumnType("jsonb");
        // The counter goes with its postback (a duplicate row can be counted too, and expires).
        repeat.HasOne<PostbackRecord>().WithOne().HasForeignKey<PostbackRepeat>(r => r.PostbackId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

internal sealed class ProofConfiguration : IEntityTypeConfiguration<Proof>
{
    /// <summary>Unique among live proofs; its violation on insert is the "number in use" answer.</summary>
    public const string LiveTransactionNumberIndex = "ux_proofs_live_transaction_number";

    /// <summary>Unique per deposit; its violation on insert means a concurrent request with the same key.</summary>
    public const string IdempotencyKeyIndex = "ix_proofs_deposit_id_idempotency_key";

    public void Configure(EntityTypeBuilder<Proof> proof)
    {
        proof.ToTable("proofs", table =>
        {
            table.HasCheckConstraint("ck_proofs_status", $"status IN ({SnakeCaseEnumConverter<ProofStatus>.SqlValues()})");
            table.HasCheckConstraint("ck_proofs_transaction_number", "transaction_number ~ '^[0-9]{12}$'");
            table.HasCheckConstraint("ck_proofs_amount", "amount > 0");
        });
        proof.HasKey(p => p.Id);
        proof.Property(p => p.Id).ValueGeneratedNever();
        proof.HasOne<Deposit>().WithMany().HasForeignKey(p => p.DepositId).OnDelete(DeleteBehavior.Restrict);
        proof.Property(p => p.Label).HasMaxLength(190);
        proof.Property(p => p.CustomTransactionId).HasMaxLength(190);
        proof.Property(p => p.TransactionNumber).HasMaxLength(12).IsFixedLength();
        proof.Property(p => p.Status).HasConversion<SnakeCaseEnumConverter<ProofStatus>>().HasMaxLength(32);
        proof.Property(p => p.LastError).HasMaxLength(64);
        proof.Property(p => p.IdempotencyKey).HasMaxLength(255);
        proof.Property(p => p.RequestHash).HasMaxLength(64);
        proof.Property(p => p.ScreenshotFileName).HasMaxLength(255);
        proof.Property(p => p.ScreenshotContentType).HasMaxLength(64);
        proof.Property(p => p.ScreenshotSha256).HasMaxLength(64);

        // The gateway requires it unique; the postback finds the proof by it.
        proof.HasIndex(p => p.CustomTransactionId).IsUnique();
        // One proof per key per deposit: a repeated upload answers the stored proof.
        proof.HasIndex(p => new { p.DepositId, p.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL")
            .HasDatabaseName(IdempotencyKeyIndex);
        // One bank transfer is money in once: its transaction number may be held by one live proof,
        // across all users and deposits (this also stops a double click without a key). Decided
        // here, not by a check before the insert, so concurrent claims cannot both win. A proof the
        // gateway refused frees its number; a failed one keeps it, since ops may send it again.
        proof.HasIndex(p => p.TransactionNumber).IsUnique()
            .HasFilter($"status <> {ProofTransitions.Sql(ProofStatus.Rejected)}")
            .HasDatabaseName(LiveTransactionNumberIndex);
        // The dispatcher's work list stays small however many proofs were ever delivered.
        proof.HasIndex(p => p.NextAttemptAt).HasFilter($"status IN ({ProofTransitions.Moves.SqlFrom(ProofMove.Claim)})")
            .HasDatabaseName("ix_proofs_due");
        proof.HasIndex(p => new { p.Status, p.CreatedAt });
        // A deposit's proofs (the upload's per-deposit limit, the deposit's detail and lists): the two
        // unique indexes above are partial, so without this each of those read every proof ever stored
        // (the probes at 300 000 rows in bench/README.md).
        proof.HasIndex(p => new { p.DepositId, p.CreatedAt });
        proof.AddAttentionIndexes("proofs");
    }
}

internal sealed class ProofScreenshotConfiguration : IEntityTypeConfiguration<ProofScreenshot>
{
    public void Configure(EntityTypeBuilder<ProofScreenshot> screenshot)
    {
        screenshot.ToTable("proof_screenshots");
        screenshot.HasKey(s => s.ProofId);
        screenshot.HasOne<Proof>().WithOne().HasForeignKey<ProofScreenshot>(s => s.ProofId).OnDelete(DeleteBehavior.Cascade);
    }
}

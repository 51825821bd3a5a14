using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

internal sealed class PayoutConfiguration : IEntityTypeConfiguration<Payout>
{
    /// <summary>Unique per creator; its violation on insert means a concurrent request with the same key.</summary>
    public const string IdempotencyKeyIndex = "ux_payouts_created_by_idempotency_key";

    public const string SentIndex = "ix_payouts_sent";

    public void Configure(EntityTypeBuilder<Payout> payout)
    {
        payout.ToTable("payouts", table =>
        {
            table.HasCheckConstraint("ck_payouts_status", $"status IN ({SnakeCaseEnumConverter<PayoutStatus>.SqlValues()})");
            table.HasCheckConstraint("ck_payouts_amount", "amount > 0");
            table.HasCheckConstraint("ck_payouts_account_number", "account_number ~ '^[0-9]{1,34}$'");
        });
        payout.HasKey(p => p.Id);
        payout.Property(p => p.Id).ValueGeneratedNever();
        payout.Property(p => p.WithdrawalId).HasMaxLength(PayoutRules.MaxWithdrawalIdLength);
        payout.Property(p => p.Label).HasMaxLength(PayoutRules.MaxLabelLength);
        payout.Property(p => p.Currency).HasMaxLength(3);
        payout.Property(p => p.PaymentSystem).HasMaxLength(64);
        payout.Property(p => p.AccountNumber).HasMaxLength(34);
        payout.Property(p => p.AccountName).HasMaxLength(PayoutRules.MaxAccountNameLength);
        payout.Property(p => p.BankDetails).HasColumnType("jsonb");
        payout.Property(p => p.Status).HasConversion<SnakeCaseEnumConverter<PayoutStatus>>().HasMaxLength(32);
        payout.Property(p => p.CreatedBy).HasMaxLength(255);
        payout.Property(p => p.IdempotencyKey).HasMaxLength(255);
        payout.Property(p => p.RequestHash).HasMaxLength(64);
        payout.Property(p => p.LastError).HasMaxLength(64);
        payout.Property(p => p.GatewayMessage).HasMaxLength(2000);
        payout.Property(p => p.SettledAmount).HasColumnType("numeric(20,2)");

        // One id at the gateway for the payout's whole life; the outgoing postback finds it by this.
        payout.HasIndex(p => p.WithdrawalId).IsUnique();
        // The creator's reference is their payout: a repeat answers the stored one, a race stores one.
        payout.HasIndex(p => new { p.CreatedBy, p.IdempotencyKey }).IsUnique().HasDatabaseName(IdempotencyKeyIndex);
        // The dispatcher's work list stays small however many payouts were ever settled.
        payout.HasIndex(p => p.NextAttemptAt).HasFilter($"status IN ({PayoutTransitions.Moves.SqlFrom(PayoutMove.Claim)})")
            .HasDatabaseName("ix_payouts_due");
        // The stale watch, its gauge and ?stale=true read only the payouts waiting for their postback.
        payout.HasIndex(p => p.SentAt).HasFilter($"status = {PayoutTransitions.Sql(PayoutStatus.Sent)}")
            .HasDatabaseName(SentIndex);
        payout.HasIndex(p => new { p.Status, p.CreatedAt });
        // Ops' list of payouts whose settlement the gateway contradicted: few rows.
        payout.HasIndex(p => p.UpdatedAt).HasFilter("status_conflict").HasDatabaseName("ix_payouts_status_conflict");
        payout.HasIndex(p => new { p.Label, p.CreatedAt });
        payout.AddAttentionIndexes("payouts");
    }
}

internal sealed class PayoutAttemptConfiguration : IEntityTypeConfiguration<PayoutAttempt>
{
    public void Configure(EntityTypeBuilder<PayoutAttempt> attempt)
    {
        attempt.ToTable("payout_attempts");
        // One outcome per attempt: the fenced update that writes it runs once per attempt number.
        attempt.HasKey(a => new { a.PayoutId, a.Attempt });
        attempt.Property(a => a.Outcome).HasMaxLength(32);
        attempt.Property(a => a.GatewayMessage).HasMaxLength(2000);
        attempt.Property(a => a.Error).HasMaxLength(64);
        attempt.HasOne<Payout>().WithMany().HasForeignKey(a => a.PayoutId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PayoutDailyTotalConfiguration : IEntityTypeConfiguration<PayoutDailyTotal>
{
    /// <summary>Refuses a label's total past its limit: the payout statement that would pass it stores nothing.</summary>
    public const string LabelLimit = "ck_payout_daily_totals_label_limit";

    /// <summary>Refuses an account's total past its limit, in the same way.</summary>
    public const string AccountLimit = "ck_payout_daily_totals_account_limit";

    public void Configure(EntityTypeBuilder<PayoutDailyTotal> total)
    {
        total.ToTable("payout_daily_totals", table =>
        {
            table.HasCheckConstraint("ck_payout_daily_totals_total", "total >= 0");
            table.HasCheckConstraint("ck_payout_daily_totals_scope", $"scope IN ({SnakeCaseEnumConverter<PayoutLimitScope>.SqlValues()})");
            table.HasCheckConstraint(LabelLimit, WithinLimit(PayoutLimitScope.Label));
            table.HasCheckConstraint(AccountLimit, WithinLimit(PayoutLimitScope.Account));
        });
        total.HasKey(t => new { t.Scope, t.Key, t.Day });
        total.Property(t => t.Scope).HasConversion<SnakeCaseEnumConverter<PayoutLimitScope>>().HasMaxLength(16);
        total.Property(t => t.Key).HasMaxLength(Math.Max(PayoutRules.MaxLabelLength, PayoutRules.MaxAccountNumberLength));
    }

    private static string WithinLimit(PayoutLimitScope scope) =>
        $"scope <> {SnakeCaseEnumConverter<PayoutLimitScope>.SqlLiteral(scope)} OR daily_limit IS NULL OR total <= daily_limit";
}

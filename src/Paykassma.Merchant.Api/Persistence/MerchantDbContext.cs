using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Persistence;

public sealed class MerchantDbContext(DbContextOptions<MerchantDbContext> options) : DbContext(options)
{
    public DbSet<Deposit> Deposits => Set<Deposit>();

    public DbSet<IdempotencyRecord> DepositIdempotencyKeys => Set<IdempotencyRecord>();

    public DbSet<Proof> Proofs => Set<Proof>();

    public DbSet<ProofScreenshot> ProofScreenshots => Set<ProofScreenshot>();

    public DbSet<PostbackRecord> Postbacks => Set<PostbackRecord>();

    public DbSet<GatewayTransaction> GatewayTransactions => Set<GatewayTransaction>();

    public DbSet<PostbackRepeat> PostbackRepeats => Set<PostbackRepeat>();

    public DbSet<Payout> Payouts => Set<Payout>();

    public DbSet<PayoutAttempt> PayoutAttempts => Set<PayoutAttempt>();

    public DbSet<PayoutDailyTotal> PayoutDailyTotals => Set<PayoutDailyTotal>();

    public DbSet<Events.OutboxEvent> OutboxEvents => Set<Events.OutboxEvent>();

    public DbSet<Ops.OpsAction> OpsActions => Set<Ops.OpsAction>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MerchantDbContext).Assembly);
}

using Microsoft.EntityFrameworkCore;
using Paykassma.Merchant.Api.Deposits;

namespace Paykassma.Merchant.Api.Persistence;

public sealed class MerchantDbContext(DbContextOptions<MerchantDbContext> options) : DbContext(options)
{
    public DbSet<Deposit> Deposits => Set<Deposit>();

    public DbSet<IdempotencyRecord> DepositIdempotencyKeys => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MerchantDbContext).Assembly);
}

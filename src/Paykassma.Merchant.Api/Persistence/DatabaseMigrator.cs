using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>
/// Applies committed migrations at start-up, after options validation and before the server takes
/// traffic (hosted services start before the web server). EF Core holds a database lock while it
/// migrates, so several instances may start together. Switch off with Database:MigrateOnStartup=false.
/// </summary>
internal sealed partial class DatabaseMigrator(
    IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MerchantDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(cancellationToken);
            LogMigrated(logger, pending.Count, pending[^1]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Applied {Count} migration(s), now at {Migration}")]
    private static partial void LogMigrated(ILogger logger, int count, string migration);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
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
        // Create the history table first: otherwise EF reads it before it exists and logs a
        // "Failed executing DbCommand" error on every fresh database, which is not an error.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault();
        LogMigrated(logger, applied ?? "(none)");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Database schema is at migration {Migration}")]
    private static partial void LogMigrated(ILogger logger, string migration);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Persistence;

/// <summary>
/// The service migrates its database itself at start, but the SQL script of the migrations
/// (`dotnet ef migrations script`) is what a DBA reviews or applies by hand, and what the SQL-only
/// benchmarks (bench/lib.sh) build their schema from.
/// In the script a migration's own SQL runs straight into the next statement, so one without its
/// closing semicolon breaks the script and nothing else notices (DepositProofCount's did).
/// </summary>
public sealed class MigrationScriptTests
{
    [Fact]
    public async Task The_migrations_sql_script_builds_the_whole_schema_on_an_empty_database()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        // The context `dotnet ef migrations script` builds (the design-time factory), on this database.
        await using var db = DesignTimeDbContextFactory.For(connectionString);
        var script = db.GetService<IMigrator>().GenerateScript();

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(script, connection);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }
}

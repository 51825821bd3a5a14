using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Paykassma.Merchant.Api.Persistence;

internal static class PersistenceExtensions
{
    public const string ConnectionStringName = "Merchant";

    public static IServiceCollection AddMerchantPersistence(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(ConnectionStringName))
            .Validate(options => !string.IsNullOrWhiteSpace(options.ConnectionString),
                $"ConnectionStrings:{ConnectionStringName} is required.")
            .ValidateOnStart();

        // One data source for EF Core and for the hand-written SQL on hot paths: one pool.
        services.AddSingleton(provider => CreateDataSource(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!));
        services.AddDbContextPool<MerchantDbContext>((provider, options) => options
            .UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention());

        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgresql", tags: ["ready"]);
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// Pool defaults for this service, unless the connection string says otherwise. The service never
    /// changes session state (no SET, LISTEN, advisory or temporary objects), so the reset Npgsql sends
    /// each time a pooled connection is taken (RESET ALL, UNLISTEN *, DISCARD… before the first query)
    /// is pure cost on every postback; and EF Core's few hot queries are worth preparing once per
    /// connection rather than planning on every call. (Kept with the other pool and query changes
    /// measured together as postback ingestion in bench/README.md; not measured one by one.)
    /// </summary>
    internal static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        if (!HasSetting(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            settings.NoResetOnClose = true;
        }
        if (!HasSetting(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            settings.MaxAutoPrepare = 50;
        }
        builder.ConfigureTracing(Observability.TracingExtensions.ConfigureNpgsqlTracing);
        return builder.Build();
    }

    private static bool HasSetting(string connectionString, params string[] names)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return names.Any(given.ContainsKey);
    }
}

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>From <c>ConnectionStrings:Merchant</c>; it may hold a password, so it is never logged.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>Ready means the database answers a query, within a couple of seconds.</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The exception type only: its message could name hosts a probe need not see.
            return HealthCheckResult.Unhealthy($"PostgreSQL did not answer ({ex.GetType().Name}).");
        }
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service.</summary>
internal sealed class DesignTimeDbContextFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<MerchantDbContext>
{
    public MerchantDbContext CreateDbContext(string[] args) => For("Host=localhost;Database=design_time");

    /// <summary>The context as the tools see it, on a given database (the migrations' SQL script is generated from it).</summary>
    public static MerchantDbContext For(string connectionString) => new(new DbContextOptionsBuilder<MerchantDbContext>()
        .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
        .UseSnakeCaseNamingConvention()
        .Options);
}

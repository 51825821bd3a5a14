using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Tests.Persistence;

/// <summary>The pool's defaults for this service, and that an operator's connection string still wins.</summary>
public sealed class DataSourceTests
{
    [Fact]
    public async Task Pooled_connections_are_not_reset_and_hot_queries_are_prepared_by_default()
    {
        await using var dataSource = PersistenceExtensions.CreateDataSource("Host=127.0.0.1;Username=postgres;Password=s3cret");
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(dataSource.ConnectionString);

        Assert.True(settings.NoResetOnClose);
        Assert.Equal(50, settings.MaxAutoPrepare);
    }

    [Fact]
    public async Task Settings_given_in_the_connection_string_are_kept()
    {
        await using var dataSource = PersistenceExtensions.CreateDataSource(
            "Host=127.0.0.1;Username=postgres;No Reset On Close=false;Max Auto Prepare=0");
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(dataSource.ConnectionString);

        Assert.False(settings.NoResetOnClose);
        Assert.Equal(0, settings.MaxAutoPrepare);
    }
}

using System.Net;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

public sealed class StartupTests
{
    [Theory]
    [InlineData("Paykassma:PluginApiSecret", "Paykassma:PluginApiSecret is required")]
    [InlineData("Paykassma:PostbackPrivateKey", "Paykassma:PostbackPrivateKey is required")]
    [InlineData("Paykassma:PostbackAccessKey", "Paykassma:PostbackAccessKey is required")]
    [InlineData("Paykassma:ApiBaseUrl", "Paykassma:ApiBaseUrl is required")]
    [InlineData("Auth:Jwt:SigningKey", "Auth:Jwt:Authority or Auth:Jwt:SigningKey")]
    [InlineData("Auth:Jwt:Audience", "Auth:Jwt:Audience is required")]
    [InlineData("ConnectionStrings:Merchant", "ConnectionStrings:Merchant is required")]
    public async Task A_missing_setting_stops_the_service_naming_the_key(string key, string expected)
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With(key, "");

        var failure = Record.Exception(() => api.CreateClient());

        Assert.NotNull(failure);
        Assert.True(failure.ToString().Contains(expected, StringComparison.Ordinal), failure.ToString());
        Assert.DoesNotContain(MerchantApiFactory.PluginSecret, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(MerchantApiFactory.PostbackPrivateKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Paykassma:TimeZone", "Mars/Olympus_Mons", "Paykassma:TimeZone")]
    [InlineData("Auth:Jwt:SigningKey", "too-short", "at least 32 bytes")]
    [InlineData("Paykassma:Resilience:TotalTimeout", "00:00:00.1", "TotalTimeout")]
    [InlineData("ForwardedHeaders:TrustLoopback", "false", "would trust everyone")]
    [InlineData("RateLimits:FrontendPerMinute", "0", "RateLimits")]
    public async Task An_invalid_setting_stops_the_service_naming_the_key(string key, string value, string expected)
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With(key, value);

        var failure = Record.Exception(() => api.CreateClient());

        Assert.NotNull(failure);
        Assert.True(failure.ToString().Contains(expected, StringComparison.Ordinal), failure.ToString());
    }

    [Fact]
    public async Task Start_up_applies_migrations_to_an_empty_database()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        using var client = api.CreateClient();

        var tables = await api.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('deposits', 'deposit_idempotency_keys')");

        Assert.Equal(2, tables);
    }
}

[Collection(ApiCollection.Name)]
public sealed class HealthTests(MerchantApiFactory api)
{
    [Fact]
    public async Task Live_and_ready_answer_200_when_the_database_is_up()
    {
        using var client = api.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Ready_fails_while_live_holds_when_the_database_is_unreachable()
    {
        await using var down = new MerchantApiFactory();
        await down.InitializeAsync();
        down.With("ConnectionStrings:Merchant", "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2")
            .With("Database:MigrateOnStartup", "false");
        using var client = down.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_database_outage_during_a_request_is_a_503_problem_not_a_500()
    {
        await using var down = new MerchantApiFactory();
        await down.InitializeAsync();
        down.With("ConnectionStrings:Merchant", "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2")
            .With("Database:MigrateOnStartup", "false");
        using var client = down.ClientFor(GatewayScript.NewLabel());

        var response = await client.GetAsync("/api/deposits");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

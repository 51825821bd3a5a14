using System.Net;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// Start-up validation, checked on the real process: a bad setting must stop the service (non-zero
/// exit) with a message naming the key, and never its value.
/// </summary>
public sealed class StartupTests
{
    private static readonly Dictionary<string, string> ValidSettings = new()
    {
        ["ConnectionStrings__Merchant"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=none",
        ["Database__MigrateOnStartup"] = "false",
        ["Paykassma__ApiBaseUrl"] = "http://127.0.0.1:1",
        ["Paykassma__PluginApiSecret"] = MerchantApiFactory.PluginSecret,
        ["Paykassma__PostbackAccessKey"] = MerchantApiFactory.PostbackAccessKey,
        ["Paykassma__PostbackPrivateKey"] = MerchantApiFactory.PostbackPrivateKey,
        ["Auth__Jwt__SigningKey"] = TestTokens.SigningKey,
        ["Auth__Jwt__Issuer"] = TestTokens.Issuer,
        ["Auth__Jwt__Audience"] = TestTokens.Audience,
    };

    [Theory]
    [InlineData("Paykassma:PluginApiSecret", "", "Paykassma:PluginApiSecret is required")]
    [InlineData("Paykassma:PostbackPrivateKey", "", "Paykassma:PostbackPrivateKey is required")]
    [InlineData("Paykassma:PostbackAccessKey", "", "Paykassma:PostbackAccessKey is required")]
    [InlineData("Paykassma:ApiBaseUrl", "", "Paykassma:ApiBaseUrl is required")]
    [InlineData("Auth:Jwt:SigningKey", "", "Auth:Jwt:Authority or Auth:Jwt:SigningKey")]
    [InlineData("Auth:Jwt:Audience", "", "Auth:Jwt:Audience is required")]
    [InlineData("ConnectionStrings:Merchant", "", "ConnectionStrings:Merchant is required")]
    [InlineData("Paykassma:TimeZone", "Mars/Olympus_Mons", "Paykassma:TimeZone")]
    [InlineData("Ops:ReportTimeZone", "+25:00", "Ops:ReportTimeZone")]
    [InlineData("Auth:Jwt:SigningKey", "too-short", "at least 32 bytes")]
    [InlineData("Paykassma:Resilience:TotalTimeout", "00:00:00.1", "TotalTimeout")]
    [InlineData("ForwardedHeaders:TrustLoopback", "false", "would trust everyone")]
    [InlineData("RateLimits:FrontendPerMinute", "0", "RateLimits")]
    [InlineData("Payouts:Enabled", "true", "Paykassma:WithdrawalPrivateKey is required when Payouts:Enabled is true")]
    [InlineData("Payouts:PaidStatuses:0", "6", "Payouts:PaidStatuses must not be empty nor share a value with Payouts:CancelledStatuses")]
    [InlineData("Payouts:Currency", "btn", "Payouts:Currency")]
    [InlineData("Payouts:Dispatcher:Lease", "00:00:00", "Payouts:Dispatcher:Lease")]
    [InlineData("Metrics:CountLimit", "0", "Metrics:CountLimit must be at least 1")]
    [InlineData("Paykassma:PluginBaseUrl", "plugin.gateway.test", "Paykassma:PluginBaseUrl must be an absolute http(s) URL")]
    [InlineData("Paykassma:PaymentUrlFailId", "https://merchant.example/fail", "PaymentUrlFailId")]
    // The live status section's old name would be ignored silently, its caps with it: start-up names the new keys.
    [InlineData("Deposits:Events:MaxStreams", "10", "Deposits:Events was renamed Deposits:LiveStatus: set Deposits:LiveStatus:HeartbeatInterval, MaxStreamsPerUser, MaxStreams")]
    public async Task A_missing_or_invalid_setting_stops_the_service_naming_the_key(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string>(ValidSettings) { [key.Replace(":", "__", StringComparison.Ordinal)] = value };

        var (exitCode, output) = await RunServiceAsync(settings);

        Assert.NotEqual(0, exitCode);
        Assert.True(output.Contains(expected, StringComparison.Ordinal), output);
        Assert.DoesNotContain(MerchantApiFactory.PluginSecret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(MerchantApiFactory.PostbackPrivateKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestTokens.SigningKey, output, StringComparison.Ordinal);
    }

    /// <summary>Runs the built service (it sits next to this test assembly) until it exits; 60 s at most.</summary>
    private static async Task<(int ExitCode, string Output)> RunServiceAsync(Dictionary<string, string> settings)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Paykassma.Merchant.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (0, "the service did not stop: " + await stdout);
        }
        return (process.ExitCode, await stdout + await stderr);
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

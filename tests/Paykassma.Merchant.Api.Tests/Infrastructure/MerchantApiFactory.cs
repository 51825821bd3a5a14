using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using WireMock.Server;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// The real service in-process (WebApplicationFactory) on a database of its own in the real
/// PostgreSQL, with a WireMock.Net gateway on a random port and every log line captured.
/// </summary>
public class MerchantApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PluginSecret = "test-plugin-secret-9f2c";
    public const string PostbackAccessKey = "uowkn0b3LfBxpcWYHi4_";
    public const string PostbackPrivateKey = "pk_test_4f9c2a1e7b";
    public const string WithdrawalPrivateKey = "wk_test_withdrawal_7d1e0b";
    public const string PluginBaseUrl = "https://plugin.gateway.test/";

    private readonly Dictionary<string, string?> _settings = new();

    public WireMockServer Gateway { get; } = WireMockServer.Start();

    public string ConnectionString { get; private set; } = "";

    /// <summary>Settings applied on top of the defaults below; set before the first client is created.</summary>
    public MerchantApiFactory With(string key, string? value)
    {
        _settings[key] = value;
        if (key == "ConnectionStrings:Merchant" && !string.IsNullOrEmpty(value))
        {
            // ScalarAsync then looks at the database the service really uses.
            ConnectionString = value;
        }
        return this;
    }

    /// <summary>
    /// For the tests of the gateway's timeouts: 2 s per attempt and 6 s per call (retries included), so a
    /// gateway scripted to answer after 8-10 s times out. Nothing else should need them.
    /// </summary>
    public MerchantApiFactory WithShortGatewayTimeouts() =>
        With("Paykassma:Resilience:AttemptTimeout", "00:00:02").With("Paykassma:Resilience:TotalTimeout", "00:00:06");

    public virtual async Task InitializeAsync() => ConnectionString = await TestPostgres.CreateDatabaseAsync();

    Task IAsyncLifetime.DisposeAsync()
    {
        Gateway.Stop();
        Gateway.Dispose();
        return DisposeAsync().AsTask();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Merchant"] = ConnectionString,
            ["Paykassma:ApiBaseUrl"] = Gateway.Url,
            ["Paykassma:PluginApiSecret"] = PluginSecret,
            ["Paykassma:PostbackAccessKey"] = PostbackAccessKey,
            ["Paykassma:PostbackPrivateKey"] = PostbackPrivateKey,
            ["Paykassma:WithdrawalPrivateKey"] = WithdrawalPrivateKey,
            ["Paykassma:PluginBaseUrl"] = PluginBaseUrl,
            ["Payouts:Enabled"] = "true",
            // Generous: a cold first gateway call on a loaded machine (load ~30) once took longer than the 2 s
            // set here, and a test that is not about timeouts saw a 504, a queued proof or a queued payout.
            // The tests of timeouts ask for WithShortGatewayTimeouts.
            ["Paykassma:Resilience:AttemptTimeout"] = "00:00:30",
            ["Paykassma:Resilience:TotalTimeout"] = "00:01:00",
            ["Paykassma:Resilience:RetryBaseDelay"] = "00:00:00.050",
            ["Auth:Jwt:SigningKey"] = TestTokens.SigningKey,
            ["Auth:Jwt:Issuer"] = TestTokens.Issuer,
            ["Auth:Jwt:Audience"] = TestTokens.Audience,
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.AddLogging(logging =>
            logging.AddFakeLogging().SetMinimumLevel(LogLevel.Trace)));
    }

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>Every captured log line with its structured values and exceptions, for "never contains" checks.</summary>
    public string AllLogText()
    {
        var text = new StringBuilder();
        foreach (var record in Logs.GetSnapshot())
        {
            text.AppendLine(record.Category).AppendLine(record.Message).AppendLine(record.Exception?.ToString());
            foreach (var pair in record.StructuredState ?? [])
            {
                text.Append(pair.Key).Append('=').AppendLine(pair.Value);
            }
        }
        return text.ToString();
    }

    public HttpClient ClientFor(string label, bool ops = false)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(label, ops));
        return client;
    }

    /// <summary>A client whose token has the subject and the roles given (e.g. the back office: "payouts").</summary>
    public HttpClient ClientWithRoles(string subject, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(subject, roles: roles));
        return client;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>One service instance shared by the tests of a collection; each test uses its own labels.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<MerchantApiFactory>
{
    public const string Name = "api";
}

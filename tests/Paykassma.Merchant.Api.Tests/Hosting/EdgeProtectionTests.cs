using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

public sealed class EdgeProtectionTests
{
    [Fact]
    public async Task Frontend_calls_are_limited_per_user_with_a_429_problem_and_other_users_are_unaffected()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("RateLimits:FrontendPerMinute", "3");
        var busy = GatewayScript.NewLabel("busy");
        using var busyClient = api.ClientFor(busy);
        using var otherClient = api.ClientFor(GatewayScript.NewLabel("calm"));

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await busyClient.GetAsync("/api/deposits")).StatusCode);
        }
        var limited = await busyClient.GetAsync("/api/deposits");
        var other = await otherClient.GetAsync("/api/deposits");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Genuine_postbacks_are_never_rate_limited_and_a_junk_flood_is_answered_but_not_all_written()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("RateLimits:RejectedPostbacksRecordedPerSourcePerMinute", "5");
        using var gateway = api.CreateClient();

        var junk = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            junk.Add((await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(TestPostbacks.NewTransactionId(), "x")], privateKey: "forged"))).StatusCode);
        }
        var genuine = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            var id = TestPostbacks.NewTransactionId();
            genuine.Add((await gateway.PostAsync(TestPostbacks.For("flood-" + id, id))).StatusCode);
        }

        Assert.All(junk, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(genuine, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(5, await api.ScalarAsync<long>("SELECT count(*) FROM postbacks WHERE outcome = 'rejected'"));
        Assert.Equal(40, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions"));
    }

    [Fact]
    public async Task Cors_allows_only_the_configured_frontend_origin()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("Cors:AllowedOrigins:0", "https://app.merchant.example");
        using var client = api.CreateClient();

        async Task<HttpResponseMessage> Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/api/deposits");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
            return await client.SendAsync(request);
        }

        var allowed = await Preflight("https://app.merchant.example");
        var foreign = await Preflight("https://evil.example");

        Assert.Equal("https://app.merchant.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("trusted loopback proxy", "203.0.113.7")]
    [InlineData("other proxy", "127.0.0.1")]
    [InlineData("disabled", "127.0.0.1")]
    public async Task X_Forwarded_For_is_believed_only_from_a_trusted_proxy(string setup, string expectedAddress)
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        if (setup == "other proxy")
        {
            api.With("ForwardedHeaders:TrustLoopback", "false").With("ForwardedHeaders:KnownProxies:0", "10.0.0.5");
        }
        if (setup == "disabled")
        {
            api.With("ForwardedHeaders:Enabled", "false");
        }
        api.UseKestrel(0);
        api.StartServer();
        using var gateway = api.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/paykassma/postback") { Content = new StringContent("junk") };
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        await gateway.SendAsync(request);

        Assert.Equal(expectedAddress, await api.ScalarAsync<string>(
            "SELECT remote_ip FROM postbacks ORDER BY received_at DESC LIMIT 1"));
    }

    [Fact]
    public async Task Ops_calls_have_their_own_limit()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("RateLimits:OpsPerMinute", "2");
        using var ops = api.ClientFor("ops", ops: true);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await ops.GetAsync("/api/ops/deposits")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        var problem = await (await ops.GetAsync("/api/ops/deposits")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/rate-limited", problem.GetProperty("type").GetString());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Idempotency;

[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(MerchantApiFactory api)
{
    private readonly string _label = GatewayScript.NewLabel();

    private static HttpRequestMessage Create(string key, int amount = 300)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/deposits") { Content = JsonContent.Create(new { amount }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<Guid> IdOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

    [Fact]
    public async Task Same_key_answers_the_same_deposit_with_one_gateway_call()
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(_label);
        var key = Guid.NewGuid().ToString();

        var first = await client.SendAsync(Create(key));
        var second = await client.SendAsync(Create(key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await IdOf(first), await IdOf(second));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, api.Gateway.CreateCallsFor(_label));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM deposits WHERE label = @l", ("l", _label)));
    }

    [Fact]
    public async Task Racing_requests_with_one_key_make_one_gateway_call_and_one_deposit()
    {
        // The gateway is slow, so every request arrives while the first is still waiting for it.
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody(), delay: TimeSpan.FromMilliseconds(800));
        var key = Guid.NewGuid().ToString();
        var clients = Enumerable.Range(0, 8).Select(_ => api.ClientFor(_label)).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.SendAsync(Create(key))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(IdOf));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, api.Gateway.CreateCallsFor(_label));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM deposits WHERE label = @l", ("l", _label)));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Same_key_with_a_different_body_is_422()
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(_label);
        var key = Guid.NewGuid().ToString();

        var first = await client.SendAsync(Create(key, amount: 300));
        var second = await client.SendAsync(Create(key, amount: 500));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/idempotency-key-reused", problem.GetProperty("type").GetString());
        Assert.Equal(1, api.Gateway.CreateCallsFor(_label));
    }

    [Fact]
    public async Task The_same_key_from_two_users_makes_two_deposits()
    {
        var otherLabel = GatewayScript.NewLabel();
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        api.Gateway.AnswersCreate(otherLabel, GatewayScript.RequisitesBody());
        var key = Guid.NewGuid().ToString();
        using var mine = api.ClientFor(_label);
        using var theirs = api.ClientFor(otherLabel);

        var a = await mine.SendAsync(Create(key));
        var b = await theirs.SendAsync(Create(key));

        Assert.NotEqual(await IdOf(a), await IdOf(b));
    }

    [Fact]
    public async Task A_failed_attempt_frees_the_key_so_the_retry_runs_again()
    {
        api.Gateway.Given(GatewayScript.CreateCallFor(_label)).InScenario(_label).WillSetStateTo("up")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithBody("""{"status":"fail","message":"Try later"}"""));
        api.Gateway.Given(GatewayScript.CreateCallFor(_label)).InScenario(_label).WhenStateIs("up")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithBody(GatewayScript.RequisitesBody()));
        using var client = api.ClientFor(_label);
        var key = Guid.NewGuid().ToString();

        var refused = await client.SendAsync(Create(key));
        var retried = await client.SendAsync(Create(key));

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(2, api.Gateway.CreateCallsFor(_label));
    }
}

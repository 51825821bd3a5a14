using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Deposits;

[Collection(ApiCollection.Name)]
public sealed class DepositAccessTests(MerchantApiFactory api)
{
    private async Task<Guid> CreateDepositAsync(string label, int amount = 300)
    {
        api.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(label);
        var response = await client.PostAsJsonAsync("/api/deposits", new { amount });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task No_token_is_a_401_problem()
    {
        using var client = api.CreateClient();

        var create = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });
        var list = await client.GetAsync("/api/deposits");

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
        Assert.Contains(create.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("wrong-audience")]
    [InlineData("expired")]
    [InlineData("garbage")]
    [InlineData("alg-none")]
    public async Task Forged_or_stale_tokens_are_401(string kind)
    {
        var label = GatewayScript.NewLabel();
        var token = kind switch
        {
            "wrong-key" => TestTokens.For(label, signingKey: "another-signing-key-that-is-long-enough-123"),
            "wrong-audience" => TestTokens.For(label, audience: "someone-else"),
            "expired" => TestTokens.For(label, expires: DateTime.UtcNow.AddMinutes(-10)),
            "alg-none" => UnsignedToken(label),
            _ => "not.a.jwt",
        };
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, api.Gateway.CreateCallsFor(label));
    }

    [Fact]
    public async Task A_token_without_a_label_claim_is_403()
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            TestTokens.For("someone", labelClaim: "email"));

        var response = await client.GetAsync("/api/deposits");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Another_users_deposit_is_404_exactly_like_a_missing_one()
    {
        var owner = GatewayScript.NewLabel("owner");
        var id = await CreateDepositAsync(owner);
        using var stranger = api.ClientFor(GatewayScript.NewLabel("stranger"));

        var foreign = await stranger.GetAsync($"/api/deposits/{id}");
        var missing = await stranger.GetAsync($"/api/deposits/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var foreignProblem = await foreign.Content.ReadFromJsonAsync<JsonElement>();
        var missingProblem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(missingProblem.GetProperty("type").GetString(), foreignProblem.GetProperty("type").GetString());
        Assert.Equal(missingProblem.GetProperty("detail").GetString(), foreignProblem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_list_shows_only_the_users_own_deposits_newest_first_and_pages()
    {
        var label = GatewayScript.NewLabel("lister");
        var ids = new List<Guid>();
        for (var i = 1; i <= 3; i++)
        {
            ids.Add(await CreateDepositAsync(label, amount: i));
        }
        await CreateDepositAsync(GatewayScript.NewLabel("other"));
        using var client = api.ClientFor(label);

        var first = await client.GetFromJsonAsync<JsonElement>("/api/deposits?page=1&pageSize=2");
        var second = await client.GetFromJsonAsync<JsonElement>("/api/deposits?page=2&pageSize=2");

        Assert.Equal(3, first.GetProperty("total").GetInt32());
        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(d => d.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?pageSize=101")]
    [InlineData("?page=abc")]
    public async Task Bad_paging_is_a_400(string query)
    {
        using var client = api.ClientFor(GatewayScript.NewLabel());

        var response = await client.GetAsync("/api/deposits" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static string UnsignedToken(string label)
    {
        static string Encode(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return Encode("""{"alg":"none","typ":"JWT"}""") + "." +
               Encode($$"""{"sub":"{{label}}","iss":"{{TestTokens.Issuer}}","aud":"{{TestTokens.Audience}}","exp":{{exp}}}""") + ".";
    }
}

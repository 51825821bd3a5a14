using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// Answers the framework gives without a body carry this project's problem types, as the README
/// promises; the gateway's postback URL answers in its own {"status":…} shape, whatever the method.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProblemTypeTests(MerchantApiFactory api)
{
    private static async Task<string?> TypeOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();
    }

    [Fact]
    public async Task A_missing_token_is_the_projects_unauthorized_problem()
    {
        using var anonymous = api.CreateClient();

        var response = await anonymous.GetAsync("/api/deposits");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Problems.Unauthorized, await TypeOf(response));
    }

    [Fact]
    public async Task A_frontend_token_on_the_ops_api_is_the_projects_forbidden_problem()
    {
        using var user = api.ClientFor(GatewayScript.NewLabel("problem"));

        var response = await user.GetAsync("/api/ops/deposits");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(Problems.Forbidden, await TypeOf(response));
    }

    [Fact]
    public async Task A_wrong_method_is_the_projects_method_not_allowed_problem()
    {
        using var user = api.ClientFor(GatewayScript.NewLabel("problem"));

        var response = await user.PutAsync("/api/deposits", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(Problems.MethodNotAllowed, await TypeOf(response));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_wrong_method_on_the_postback_url_is_answered_in_the_gateways_shape(string method)
    {
        using var gateway = api.CreateClient();

        var response = await gateway.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/paykassma/postback"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("fail", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Contains("POST", response.Content.Headers.Allow);
    }
}

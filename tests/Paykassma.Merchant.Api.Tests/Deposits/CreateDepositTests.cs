using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Deposits;

[Collection(ApiCollection.Name)]
public sealed class CreateDepositTests(MerchantApiFactory api)
{
    private readonly string _label = GatewayScript.NewLabel();

    private Task<long> StoredDepositsAsync(string? label = null, MerchantApiFactory? service = null) =>
        (service ?? api).ScalarAsync<long>("SELECT count(*) FROM deposits WHERE label = @label", ("label", label ?? _label));

    [Fact]
    public async Task Happy_path_asks_the_gateway_stores_the_deposit_and_returns_its_requisites()
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(_label);

        var response = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var deposit = body.RootElement;
        var id = deposit.GetProperty("id").GetGuid();
        Assert.Equal($"/api/deposits/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("awaiting_payment", deposit.GetProperty("status").GetString());
        Assert.Equal(300, deposit.GetProperty("amount").GetInt32());
        Assert.Equal("BTN", deposit.GetProperty("currency").GetString());
        Assert.Equal("bnb_ml", deposit.GetProperty("walletType").GetString());
        var requisites = deposit.GetProperty("requisites");
        Assert.Equal("200100300400", requisites.GetProperty("walletNumber").GetString());
        Assert.Equal("Druk Merchant Pvt", requisites.GetProperty("accountName").GetString());
        Assert.Equal(JsonValueKind.Null, requisites.GetProperty("isCheckAmount").ValueKind);
        Assert.Equal("Bank of Bhutan", requisites.GetProperty("otherParams").GetProperty("Bank").GetString());
        Assert.True(deposit.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(1, await StoredDepositsAsync());
        Assert.Equal("200100300400", await api.ScalarAsync<string>("SELECT wallet_number FROM deposits WHERE id = @id", ("id", id)));
        Assert.Equal(1, api.Gateway.CreateCallsFor(_label));

        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/deposits/{id}");
        Assert.Equal(id, fetched.GetProperty("id").GetGuid());
        Assert.Equal("200100300400", fetched.GetProperty("requisites").GetProperty("walletNumber").GetString());
    }

    [Fact]
    public async Task Amount_is_optional_and_an_empty_body_is_accepted()
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(_label);

        var empty = await client.PostAsync("/api/deposits", null);
        var noAmount = await client.PostAsJsonAsync("/api/deposits", new { });

        Assert.Equal(HttpStatusCode.Created, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Created, noAmount.StatusCode);
        Assert.Equal(2, await StoredDepositsAsync());
    }

    [Fact]
    public async Task Gateway_refusal_is_a_502_problem_with_the_gateways_message_and_stores_nothing()
    {
        api.Gateway.AnswersCreate(_label, """{"status":"fail","message":"User label is blocked"}""");
        using var client = api.ClientFor(_label);

        var response = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/gateway-refused", problem.GetProperty("type").GetString());
        Assert.Equal("User label is blocked", problem.GetProperty("detail").GetString());
        Assert.Equal("User label is blocked", problem.GetProperty("gatewayMessage").GetString());
        Assert.Equal(0, await StoredDepositsAsync());
    }

    [Fact]
    public async Task Gateway_down_is_a_503_problem_and_stores_nothing()
    {
        api.Gateway.AnswersCreate(_label, "upstream unavailable", status: 503);
        using var client = api.ClientFor(_label);

        var response = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/gateway-unavailable", problem.GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(3, api.Gateway.CreateCallsFor(_label));
        Assert.Equal(0, await StoredDepositsAsync());
    }

    [Fact]
    public async Task Gateway_timeout_is_a_504_problem_and_stores_nothing()
    {
        // The shared service gives the gateway 30 s per attempt; a timeout is met here in seconds.
        await using var slow = new MerchantApiFactory().WithShortGatewayTimeouts();
        await slow.InitializeAsync();
        slow.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody(), delay: TimeSpan.FromSeconds(10));
        using var client = slow.ClientFor(_label);

        var response = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/gateway-timeout", problem.GetProperty("type").GetString());
        Assert.Equal(0, await StoredDepositsAsync(service: slow));
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "amount as a string", "application/json", """{"amount":"300"}""" },
        { "fractional amount", "application/json", """{"amount":300.5}""" },
        { "boolean amount", "application/json", """{"amount":true}""" },
        { "object amount", "application/json", """{"amount":{"value":1}}""" },
        { "negative amount", "application/json", """{"amount":-1}""" },
        { "zero amount", "application/json", """{"amount":0}""" },
        { "amount above the configured maximum", "application/json", """{"amount":1000001}""" },
        { "amount beyond int", "application/json", """{"amount":99999999999}""" },
        { "huge amount", "application/json", """{"amount":1e400}""" },
        { "unknown member", "application/json", """{"amount":300,"label":"someone-else"}""" },
        { "duplicate member", "application/json", """{"amount":300,"amount":1}""" },
        { "truncated JSON", "application/json", """{"amount":3""" },
        { "not JSON", "application/json", "amount=300" },
        { "JSON array", "application/json", "[300]" },
        { "JSON string", "application/json", "\"300\"" },
        { "trailing garbage", "application/json", """{"amount":300} x""" },
        { "form content type", "application/x-www-form-urlencoded", "amount=300" },
        { "text content type", "text/plain", """{"amount":300}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_body_is_a_4xx_problem_stores_nothing_and_never_calls_the_gateway(string why, string contentType, string body)
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(_label);

        var response = await client.PostAsync("/api/deposits", new StringContent(body, Encoding.UTF8, contentType));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType,
            $"{why}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await StoredDepositsAsync());
        Assert.Equal(0, api.Gateway.CreateCallsFor(_label));
    }

    [Theory]
    [InlineData("key with spaces")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345")]
    [InlineData("ключ")]
    public async Task Invalid_idempotency_key_is_a_400(string key)
    {
        using var client = api.ClientFor(_label);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/deposits") { Content = JsonContent.Create(new { amount = 1 }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, api.Gateway.CreateCallsFor(_label));
    }
}

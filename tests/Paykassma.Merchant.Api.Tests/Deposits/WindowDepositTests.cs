using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Deposits;

/// <summary>
/// <c>POST /api/deposits/window</c>: a deposit paid through the gateway's payment window, stored with
/// its own custom_transaction_id, answered with the window's URL, never calling the gateway.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WindowDepositTests(MerchantApiFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("win");

    private Task<long> StoredDepositsAsync(string? label = null) =>
        api.ScalarAsync<long>("SELECT count(*) FROM deposits WHERE label = @l", ("l", label ?? _label));

    private static HttpRequestMessage Create(object? body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/deposits/window") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return request;
    }

    [Fact]
    public async Task A_window_deposit_is_stored_awaiting_payment_with_its_own_id_and_the_window_url()
    {
        using var client = api.ClientFor(_label);

        var response = await client.SendAsync(Create(new { amount = 300, lang = "dz" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var deposit = body.GetProperty("deposit");
        var id = deposit.GetProperty("id").GetGuid();
        Assert.Equal($"/api/deposits/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("awaiting_payment", deposit.GetProperty("status").GetString());
        Assert.Equal(300, deposit.GetProperty("amount").GetInt32());
        // No requisites: the window shows them.
        var requisites = deposit.GetProperty("requisites");
        Assert.Equal(JsonValueKind.Null, requisites.GetProperty("walletNumber").ValueKind);
        Assert.Equal(JsonValueKind.Null, requisites.GetProperty("accountName").ValueKind);
        Assert.Empty(requisites.GetProperty("otherParams").EnumerateObject());
        var customId = "pw_" + id.ToString("N");
        Assert.Equal(
            $"{MerchantApiFactory.PluginBaseUrl}?label={_label}&currency_code=BTN&lang=dz&wallet_type=bnb_ml&custom_transaction_id={customId}&fixed_amount=300.00",
            body.GetProperty("windowUrl").GetString());
        Assert.Equal(customId, await api.ScalarAsync<string>("SELECT custom_transaction_id FROM deposits WHERE id = @id", ("id", id)));
        Assert.Equal(0, api.Gateway.CreateCallsFor(_label));

        // The user's own view of it is the deposit as answered.
        var read = await client.GetFromJsonAsync<JsonElement>($"/api/deposits/{id}");
        Assert.Equal("awaiting_payment", read.GetProperty("status").GetString());
        Assert.Equal(requisites.GetRawText(), read.GetProperty("requisites").GetRawText());
    }

    [Fact]
    public async Task Without_an_amount_there_is_no_fixed_amount_and_the_language_is_english()
    {
        using var client = api.ClientFor(_label);

        var response = await client.PostAsync("/api/deposits/window", new StringContent("", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("deposit").GetProperty("id").GetGuid();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("deposit").GetProperty("amount").ValueKind);
        Assert.Equal(
            $"{MerchantApiFactory.PluginBaseUrl}?label={_label}&currency_code=BTN&lang=en&wallet_type=bnb_ml&custom_transaction_id=pw_{id:N}",
            body.GetProperty("windowUrl").GetString());
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "zero amount", "application/json", """{"amount":0}""" },
        { "amount above the configured maximum", "application/json", """{"amount":1000001}""" },
        { "fractional amount", "application/json", """{"amount":300.5}""" },
        { "amount as a string", "application/json", """{"amount":"300"}""" },
        { "one-letter lang", "application/json", """{"lang":"e"}""" },
        { "six-letter lang", "application/json", """{"lang":"abcdef"}""" },
        { "lang starting with a hyphen", "application/json", """{"lang":"-en"}""" },
        { "lang with a digit", "application/json", """{"lang":"e1"}""" },
        { "lang with a space", "application/json", """{"lang":"e n"}""" },
        { "lang with an ampersand", "application/json", """{"lang":"en&x"}""" },
        { "non-ASCII lang", "application/json", """{"lang":"ཇོང"}""" },
        { "empty lang", "application/json", """{"lang":""}""" },
        { "lang as a number", "application/json", """{"lang":12}""" },
        { "unknown member", "application/json", """{"amount":300,"customTransactionId":"pw_mine"}""" },
        { "not JSON", "application/json", "amount=300" },
        { "text content type", "text/plain", """{"amount":300}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_body_is_a_4xx_problem_and_stores_nothing(string why, string contentType, string body)
    {
        using var client = api.ClientFor(_label);

        var response = await client.PostAsync("/api/deposits/window", new StringContent(body, Encoding.UTF8, contentType));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType,
            $"{why}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await StoredDepositsAsync());
    }

    [Fact]
    public async Task A_malformed_idempotency_key_is_a_400_and_stores_nothing()
    {
        using var client = api.ClientFor(_label);
        using var request = Create(new { amount = 300 });
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "key with spaces");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await StoredDepositsAsync());
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM deposit_idempotency_keys WHERE label = @l", ("l", _label)));
    }

    [Fact]
    public async Task Same_key_answers_the_same_deposit_and_url_and_racing_repeats_store_one()
    {
        var key = Guid.NewGuid().ToString();
        var clients = Enumerable.Range(0, 6).Select(_ => api.ClientFor(_label)).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.SendAsync(Create(new { amount = 500, lang = "en" }, key))));
        using var later = api.ClientFor(_label);
        var repeat = await later.SendAsync(Create(new { amount = 500, lang = "en" }, key));

        Assert.All(responses.Append(repeat), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Append(repeat).Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Single(bodies.Select(b => (b.GetProperty("deposit").GetProperty("id").GetGuid(), b.GetProperty("windowUrl").GetString())).Distinct());
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await StoredDepositsAsync());
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Same_key_with_another_body_or_from_the_requisites_endpoint_is_422()
    {
        api.Gateway.AnswersCreate(_label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(_label);
        var key = Guid.NewGuid().ToString();
        var requisitesKey = Guid.NewGuid().ToString();

        var first = await client.SendAsync(Create(new { amount = 300 }, key));
        var otherLang = await client.SendAsync(Create(new { amount = 300, lang = "dz" }, key));
        var requisites = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/deposits")
        {
            Content = JsonContent.Create(new { amount = 300 }),
            Headers = { { "Idempotency-Key", requisitesKey } },
        });
        var window = await client.SendAsync(Create(new { amount = 300 }, requisitesKey));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, requisites.StatusCode);
        foreach (var reused in new[] { otherLang, window })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
            Assert.EndsWith("/idempotency-key-reused", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
        Assert.Equal(2, await StoredDepositsAsync());
    }
}

/// <summary>
/// The window's settings: the redirect ids when configured, and the endpoint off without a plugin URL
/// (bad values stop the start: StartupTests).
/// </summary>
public sealed class WindowSettingsTests
{
    [Fact]
    public async Task Configured_redirect_ids_are_appended_and_every_value_is_percent_encoded()
    {
        await using var api = new MerchantApiFactory()
            .With("Paykassma:PluginBaseUrl", "http://127.0.0.1:5081/plugin/")
            .With("Paykassma:PaymentUrlSuccessId", "4")
            .With("Paykassma:PaymentUrlFailId", "3")
            .With("Paykassma:PaymentUrlPendingId", "12");
        await api.InitializeAsync();
        // Whatever a label holds reaches the gateway as its value, never as another parameter.
        var prefix = GatewayScript.NewLabel("win");
        var label = prefix + " a&b=c+d/ཚེ#?%";
        using var client = api.ClientFor(label);

        var response = await client.PostAsJsonAsync("/api/deposits/window", new { amount = 1000000, lang = "pt-BR" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("deposit").GetProperty("id").GetGuid();
        Assert.Equal(
            $"http://127.0.0.1:5081/plugin/?label={prefix}%20a%26b%3Dc%2Bd%2F%E0%BD%9A%E0%BD%BA%23%3F%25&currency_code=BTN&lang=pt-BR"
            + $"&wallet_type=bnb_ml&custom_transaction_id=pw_{id:N}&fixed_amount=1000000.00"
            + "&payment_url_success_id=4&payment_url_fail_id=3&payment_url_pending_id=12",
            body.GetProperty("windowUrl").GetString());
    }

    [Fact]
    public async Task Without_a_plugin_url_the_window_is_403_and_stores_nothing()
    {
        await using var api = new MerchantApiFactory().With("Paykassma:PluginBaseUrl", null);
        await api.InitializeAsync();
        var label = GatewayScript.NewLabel("win");
        using var client = api.ClientFor(label);

        var response = await client.PostAsJsonAsync("/api/deposits/window", new { amount = 300 });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.EndsWith("/payment-window-disabled", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM deposits WHERE label = @l", ("l", label)));
    }
}

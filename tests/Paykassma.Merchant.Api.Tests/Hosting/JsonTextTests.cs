using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// Every string in every JSON body is valid Unicode, or the request is a 400 problem that stores
/// nothing: one rule (<see cref="JsonText"/>) for all bodies, nested values and member names included.
/// A lone surrogate inside a payout's bankDetails (raw JSON values) answered 500.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class JsonTextTests(MerchantApiFactory api)
{
    private const string Title = "The request body holds text that is not valid Unicode";

    public static TheoryData<string, byte[]> BadBankDetails() => new()
    {
        { "a lone high surrogate value", Utf8("""{"bank_code":"\ud800"}""") },
        { "a lone low surrogate value", Utf8("""{"bank_code":"BNB\udfff"}""") },
        { "a reversed pair", Utf8("""{"bank_code":"\udc00\ud800"}""") },
        { "a lone surrogate name", Utf8("""{"\ud800":"BNB"}""") },
        { "a UTF-8-encoded surrogate", [.. "{\"bank_code\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8] },
        { "an overlong slash", [.. "{\"bank_code\":\""u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "a truncated sequence", [.. "{\"bank_code\":\"BN"u8, 0xE2, 0x82, .. "\"}"u8] },
    };

    [Theory]
    [MemberData(nameof(BadBankDetails))]
    public async Task A_payout_whose_bank_details_hold_text_that_is_not_Unicode_is_a_400_problem_and_nothing_is_stored(string what, byte[] bankDetails)
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        byte[] body = [.. Utf8($$"""{"label":"{{label}}","amount":1020,"accountNumber":"9440377924","accountName":"Dorji Wangmo","bankDetails":"""), .. bankDetails, (byte)'}'];

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts") { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", "ref-" + label);
        var response = await api.BackOfficeClient().SendAsync(request);

        await AssertRefusedAsync(response, what);
        Assert.Equal(0, await api.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE label = @l", ("l", label)));
        Assert.Empty(api.Gateway.WithdrawalRequestsFor(label));
    }

    [Fact]
    public async Task Every_endpoint_that_reads_a_JSON_body_refuses_a_lone_surrogate_before_it_runs()
    {
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Any(t => t.Contains("json", StringComparison.Ordinal)) == true
                        && e.Metadata.GetMetadata<OwnErrorShape>() is null)
            .ToList();
        var routes = endpoints.Select(e => e.RoutePattern.RawText!).ToList();
        Assert.Superset(new HashSet<string> { "/api/deposits/", "/api/deposits/window", "/api/payouts/", "/api/ops/payouts/{id:guid}/reject" }, routes.ToHashSet());
        var label = GatewayScript.NewLabel("surrogate");
        using var everyone = api.CreateClient();
        // One token that every policy lets through (a user's label, ops and the back office), so the body is what is judged.
        everyone.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(label, ops: true, roles: "payouts"));
        var before = await api.ScalarAsync<long>("SELECT (SELECT count(*) FROM deposits) + (SELECT count(*) FROM payouts) + (SELECT count(*) FROM ops_actions)");

        foreach (var route in routes)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(route, "\\{[A-Za-z]+:guid\\}", _ => Guid.NewGuid().ToString())
                .Replace("{kind}", "payout_refused", StringComparison.Ordinal);
            foreach (var body in new[] { """{"amount":300,"lang":"\ud800"}""", """{"reason":"why\udfff"}""", """{"\udbff":{"nested":["ok","\ud800"]}}""" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(Utf8(body)) };
                request.Headers.Add("Idempotency-Key", "ref-" + Guid.NewGuid().ToString("N"));
                await AssertRefusedAsync(await everyone.SendAsync(request), $"{route} {body}");
            }
        }
        Assert.Equal(before, await api.ScalarAsync<long>("SELECT (SELECT count(*) FROM deposits) + (SELECT count(*) FROM payouts) + (SELECT count(*) FROM ops_actions)"));
    }

    [Fact]
    public async Task Valid_text_passes_through_untouched_astral_characters_and_escaped_pairs_included()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var body = Utf8($$$"""{"label":"{{{label}}}","amount":1020,"accountNumber":"9440377924","accountName":"Dorji Wangmo","bankDetails":{"memo":"💰 \ud83d\udcb0 ཀ"}}""");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts") { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", "ref-" + label);
        var response = await api.BackOfficeClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("💰 💰 ཀ", (await response.JsonAsync()).GetProperty("bankDetails").GetProperty("memo").GetString());
    }

    [Theory]
    [InlineData("""{"a":"plain","b":["💰","\ud83d\udcb0"],"c":{"ཀ":1}}""", null)]
    [InlineData("""{"a":"\ud800"}""", 5)]
    [InlineData("""{"a":1,"\udfff":2}""", 7)]
    [InlineData("""[{"x":["ok",{"y":"\udbff\udbff"}]}]""", 17)]
    [InlineData("""{"a":"\ud800""", null)]
    [InlineData("""not json "\ud800" """, null)]
    public void The_first_string_that_is_not_Unicode_is_found_where_it_starts(string json, int? at) =>
        Assert.Equal(at, JsonText.FirstInvalidString(Utf8(json)));

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Problems.MalformedRequest, problem.GetProperty("type").GetString());
        Assert.Equal(Title, problem.GetProperty("title").GetString());
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

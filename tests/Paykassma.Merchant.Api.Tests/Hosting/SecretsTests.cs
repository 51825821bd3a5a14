using System.Net.Http.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

[Collection(ApiCollection.Name)]
public sealed class SecretsTests(MerchantApiFactory api)
{
    [Fact]
    public async Task Secrets_never_reach_logs_or_responses_whatever_the_gateway_does()
    {
        var refused = GatewayScript.NewLabel();
        var down = GatewayScript.NewLabel();
        var ok = GatewayScript.NewLabel();
        api.Gateway.AnswersCreate(refused, """{"status":"fail","message":"no"}""");
        api.Gateway.AnswersCreate(down, "", status: 500);
        api.Gateway.AnswersCreate(ok, GatewayScript.RequisitesBody());

        var bodies = new List<string>();
        foreach (var label in new[] { refused, down, ok })
        {
            using var client = api.ClientFor(label);
            var response = await client.PostAsJsonAsync("/api/deposits", new { amount = 10 });
            bodies.Add(await response.Content.ReadAsStringAsync());
            bodies.Add(response.Headers.ToString());
        }

        var everything = api.AllLogText() + string.Join('\n', bodies);
        Assert.Contains(api.Gateway.LogEntries, e => e.RequestMessage?.RawQuery?.Contains(MerchantApiFactory.PluginSecret) == true);
        Assert.DoesNotContain(MerchantApiFactory.PluginSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(MerchantApiFactory.PostbackPrivateKey, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(TestTokens.SigningKey, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_request_is_logged_once_with_method_path_and_status_but_never_its_query()
    {
        using var client = api.ClientFor(GatewayScript.NewLabel("logged"));
        var marker = Guid.NewGuid().ToString("N");

        await client.GetAsync($"/api/deposits/{Guid.NewGuid()}?probe={marker}");

        var lines = api.Logs.GetSnapshot().Where(r => r.Category == "Serilog.AspNetCore.RequestLoggingMiddleware").ToList();
        Assert.Contains(lines, r => r.Message.Contains("GET", StringComparison.Ordinal) && r.Message.Contains("/api/deposits/", StringComparison.Ordinal)
                                    && r.Message.Contains("404", StringComparison.Ordinal));
        Assert.DoesNotContain(marker, api.AllLogText(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(MerchantApiFactory api)
{
    [Fact]
    public async Task The_document_describes_the_deposit_calls_and_the_bearer_scheme()
    {
        using var client = api.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/deposits", out var deposits));
        Assert.True(deposits.TryGetProperty("post", out var create));
        Assert.True(paths.TryGetProperty("/api/deposits/{id}", out _));
        var responses = create.GetProperty("responses");
        foreach (var status in new[] { "201", "400", "401", "403", "409", "422", "502", "503", "504" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"POST /api/deposits does not describe {status}");
        }
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(create.TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var client = api.CreateClient();

        var page = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("swagger", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}

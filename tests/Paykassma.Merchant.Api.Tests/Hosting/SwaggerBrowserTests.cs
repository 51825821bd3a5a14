using Microsoft.Playwright;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// Swagger UI in a real browser (the OS's headless Chromium, driven by Playwright): an ops person
/// signs in with a token, the page loads and lists the operations. ./test.sh installs chromium.
/// </summary>
public sealed class SwaggerBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ops_sign_in_and_Swagger_UI_lists_the_operations_in_headless_Chromium()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.UseKestrel(0);
        api.StartServer();
        var baseUrl = api.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        await using var chromium = await HeadlessChromium.OpenAsync(output);
        var page = chromium.Page;

        await page.GotoAsync(baseUrl + "/swagger/index.html");
        Assert.EndsWith("/swagger/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#token", TestTokens.For("frontend-user"));
        await page.ClickAsync("#open");
        await page.WaitForSelectorAsync("#message:has-text('no ops role')");

        await page.FillAsync("#token", TestTokens.For("ops-person", ops: true));
        await page.ClickAsync("#open");
        // The operations themselves, not the navigation on the way to them: this wait survives the
        // navigation (a URL wait once ran out at 60 s on a cold CI run, cause unknown: the browser's notes
        // in the output now say what it saw) and is generous for a machine busy with every test project.
        await page.WaitForSelectorAsync(".opblock-summary-path", new PageWaitForSelectorOptions { Timeout = 90_000 });
        Assert.EndsWith("/swagger/index.html", page.Url, StringComparison.Ordinal);
        var paths = await page.Locator(".opblock-summary-path").AllInnerTextsAsync();
        var title = await page.Locator(".title").First.InnerTextAsync();

        output.WriteLine($"Swagger UI listed {paths.Count} operations: {string.Join(", ", paths)}");
        Assert.Contains("Paykassma merchant API", title, StringComparison.Ordinal);
        foreach (var expected in new[] { "/api/deposits", "/api/deposits/{id}/proof", "/api/paykassma/postback", "/api/ops/deposits", "/api/ops/postbacks/{id}/reverify" })
        {
            Assert.Contains(paths, p => p.Replace("\u200b", "", StringComparison.Ordinal) == expected);
        }
    }
}

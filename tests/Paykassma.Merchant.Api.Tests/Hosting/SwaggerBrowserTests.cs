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
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Ops_sign_in_and_Swagger_UI_lists_the_operations_in_headless_Chromium()
    {
        Assert.True(File.Exists(Chromium), "Chromium is missing: run ./test.sh (it installs the chromium package) or apt-get install chromium.");
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.UseKestrel(0);
        api.StartServer();
        var baseUrl = api.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root in a closed network: no sandbox, no background traffic to Google's hosts.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(baseUrl + "/swagger/index.html");
        Assert.EndsWith("/swagger/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#token", TestTokens.For("frontend-user"));
        await page.ClickAsync("#open");
        await page.WaitForSelectorAsync("#message:has-text('no ops role')");

        await page.FillAsync("#token", TestTokens.For("ops-person", ops: true));
        await page.ClickAsync("#open");
        // Generous, and the URL alone first: with every test project running beside it on 2 cores, the
        // page's "load" (the Swagger UI bundle) once took longer than Playwright's default 30 s.
        await page.WaitForURLAsync("**/swagger/index.html", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.WaitForSelectorAsync(".opblock-summary-path", new PageWaitForSelectorOptions { Timeout = 60_000 });
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

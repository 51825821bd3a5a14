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
        // What the browser saw, in the test's output: a failure here has so far been a wait that ran out.
        var started = DateTime.UtcNow;
        void Note(string what)
        {
            try
            {
                output.WriteLine($"{(DateTime.UtcNow - started).TotalSeconds,7:0.000}s {what}");
            }
            catch (InvalidOperationException)
            {
                // An event the browser raised after the test ended (xunit has no test to write to): dropped.
            }
        }
        page.Console += (_, message) => Note($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => Note($"page error: {error}");
        page.Request += (_, request) => Note($"-> {request.Method} {request.Url}");
        page.Response += (_, response) => Note($"<- {response.Status} {response.Url}");
        page.RequestFailed += (_, request) => Note($"failed {request.Method} {request.Url}: {request.Failure}");
        page.FrameNavigated += (_, frame) => Note($"navigated {frame.Url}");

        await page.GotoAsync(baseUrl + "/swagger/index.html");
        Assert.EndsWith("/swagger/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#token", TestTokens.For("frontend-user"));
        await page.ClickAsync("#open");
        await page.WaitForSelectorAsync("#message:has-text('no ops role')");

        await page.FillAsync("#token", TestTokens.For("ops-person", ops: true));
        await page.ClickAsync("#open");
        // The operations themselves, not the navigation on the way to them: this wait survives the
        // navigation (a URL wait once ran out at 60 s on a cold CI run, cause unknown: the notes above
        // now say what the browser saw) and is generous for a machine busy with every test project.
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

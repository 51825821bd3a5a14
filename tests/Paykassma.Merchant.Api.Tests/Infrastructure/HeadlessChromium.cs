using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// The OS's headless Chromium driven by Playwright (never a browser Playwright downloads: this machine's
/// network would refuse it; ./test.sh installs the chromium package). What the page did (console,
/// errors, requests, navigations) goes to the test's output: a failure here has so far been a wait that
/// ran out, and the notes say what the browser saw.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<HeadlessChromium> OpenAsync(ITestOutputHelper output)
    {
        Assert.True(File.Exists(Executable), "Chromium is missing: run ./test.sh (it installs the chromium package) or apt-get install chromium.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // As root in a closed network: no sandbox, no background traffic to Google's hosts.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
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
        return new HeadlessChromium(playwright, browser, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

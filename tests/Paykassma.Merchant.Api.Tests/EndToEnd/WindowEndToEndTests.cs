using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.EndToEnd;

/// <summary>
/// The payment window end to end, as a user meets it: the service and the sandbox on Kestrel, the
/// window URL the service answers opened in headless Chromium, "I have paid" clicked, and the sandbox's
/// signed postback confirming the deposit, seen through the user's own API.
/// </summary>
public sealed class WindowEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_window_deposit_paid_in_the_windows_page_in_a_real_browser_becomes_confirmed()
    {
        var (sandbox, api) = await SandboxGateway.StartWithServiceAsync();
        await using var _ = sandbox;
        await using var __ = api;
        // Markup, quotes, an ampersand and Tibetan in the label: it must travel as a value and show as text.
        var label = $"e2e <b>ཚེ་རིང་</b> & \"q\" {Guid.NewGuid():N}"[..48];
        using var user = api.ClientFor(label);

        var created = await user.PostAsJsonAsync("/api/deposits/window", new { amount = 300 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var depositId = body.GetProperty("deposit").GetProperty("id").GetGuid();
        var windowUrl = body.GetProperty("windowUrl").GetString()!;
        Assert.StartsWith(sandbox.Url + "/plugin/?label=", windowUrl, StringComparison.Ordinal);

        await using var chromium = await HeadlessChromium.OpenAsync(output);
        var page = chromium.Page;
        var opened = await page.GotoAsync(windowUrl);
        Assert.Equal(200, opened!.Status);
        Assert.Equal(label, await page.InnerTextAsync("#label"));
        Assert.Equal(0, await page.Locator("b").CountAsync());
        Assert.Equal($"pw_{depositId:N}", await page.InnerTextAsync("#custom-transaction-id"));
        Assert.Matches("^[0-9]{10}$", await page.InnerTextAsync("#wallet-number"));
        Assert.Equal("300.00 BTN", await page.InnerTextAsync("#fixed-amount"));

        await page.ClickAsync("#paid");
        await page.WaitForSelectorAsync("#reported");

        var confirmed = await Eventually.WaitForAsync(
            () => user.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}"),
            d => d.GetProperty("status").GetString() == "confirmed", TimeSpan.FromSeconds(30));
        Assert.Equal("confirmed", confirmed.GetProperty("status").GetString());
        Assert.Equal(300m, confirmed.GetProperty("confirmedAmount").GetDecimal());
        Assert.False(confirmed.GetProperty("amountMismatch").GetBoolean());
        // The gateway's label (signed into the postback's deposit, unsigned on top) was the user's all along.
        Assert.Equal(1L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM postbacks WHERE outcome = 'accepted' AND label = @l AND discrepancies IS NULL", ("l", label)));
    }
}

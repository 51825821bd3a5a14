using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Tests;

public sealed class StartupTests
{
    [Theory]
    [InlineData("Sandbox:Secret", "", "Sandbox:Secret")]
    [InlineData("Sandbox:Currency", "BT", "Sandbox:Currency")]
    [InlineData("Sandbox:StallSeconds", "-1", "Sandbox:StallSeconds")]
    [InlineData("Sandbox:FailHttpStatus", "99", "Sandbox:FailHttpStatus")]
    [InlineData("Sandbox:ExtraParams:Wallet number", "x", "Sandbox:ExtraParams")]
    public async Task Invalid_setting_stops_start_up_naming_the_key(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(
            () => TestSandbox.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}

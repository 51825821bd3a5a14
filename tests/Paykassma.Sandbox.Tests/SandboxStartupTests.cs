using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Paykassma.PluginApi.Postbacks;
using Paykassma.Sandbox.Tests.Withdrawals;

namespace Paykassma.Sandbox.Tests;

public sealed class SandboxStartupTests
{
    [Theory]
    [InlineData("Sandbox:Secret", "", "Sandbox:Secret")]
    [InlineData("Sandbox:Currency", "BT", "Sandbox:Currency")]
    [InlineData("Sandbox:StallSeconds", "-1", "Sandbox:StallSeconds")]
    [InlineData("Sandbox:FailHttpStatus", "99", "Sandbox:FailHttpStatus")]
    [InlineData("Sandbox:ExtraParams:Wallet number", "x", "Sandbox:ExtraParams")]
    [InlineData("Sandbox:PostbackUrl", "http://127.0.0.1:1/postbacks", "Sandbox:PostbackAccessKey")]
    [InlineData("Sandbox:PostbackUrl", "http://127.0.0.1:1/postbacks", "Sandbox:PostbackPrivateKey")]
    [InlineData("Sandbox:PostbackUrl", "not a url", "Sandbox:PostbackUrl")]
    [InlineData("Sandbox:PostbackUrl", "ftp://127.0.0.1/postbacks", "Sandbox:PostbackUrl")]
    [InlineData("Sandbox:TimeZone", "Mars/Olympus_Mons", "Sandbox:TimeZone")]
    [InlineData("Sandbox:TimeZone", "+8", "Sandbox:TimeZone")]
    [InlineData("Sandbox:PostbackWireEncoding", "xml", "Sandbox:PostbackWireEncoding")]
    [InlineData("Sandbox:PostbackDelaySeconds", "-1", "Sandbox:PostbackDelaySeconds")]
    [InlineData("Sandbox:PostbackFirstRetrySeconds", "0", "Sandbox:PostbackFirstRetrySeconds")]
    [InlineData("Sandbox:PostbackMaxRetrySeconds", "0.5", "Sandbox:PostbackMaxRetrySeconds")]
    [InlineData("Sandbox:PostbackMaxAttempts", "-1", "Sandbox:PostbackMaxAttempts")]
    [InlineData("Sandbox:PostbackTimeoutSeconds", "0", "Sandbox:PostbackTimeoutSeconds")]
    [InlineData("Sandbox:PostbackHistoryLimit", "0", "Sandbox:PostbackHistoryLimit")]
    [InlineData("Sandbox:WithdrawalPrivateKey", "  ", "Sandbox:WithdrawalPrivateKey")]
    [InlineData("Sandbox:WithdrawalPaymentSystem", " ", "Sandbox:WithdrawalPaymentSystem")]
    [InlineData("Sandbox:WithdrawalBalance", "-1", "Sandbox:WithdrawalBalance")]
    [InlineData("Sandbox:WithdrawalInterimStatuses", "0,x", "Sandbox:WithdrawalInterimStatuses")]
    [InlineData("Sandbox:WithdrawalInterimStatuses", "3,-1", "Sandbox:WithdrawalInterimStatuses")]
    [InlineData("Sandbox:WithdrawalInterimStatuses", "0,,4", "Sandbox:WithdrawalInterimStatuses")]
    [InlineData("Sandbox:WithdrawalStatusStepSeconds", "-0.1", "Sandbox:WithdrawalStatusStepSeconds")]
    [InlineData("Sandbox:WithdrawalStatusStepSeconds", "NaN", "Sandbox:WithdrawalStatusStepSeconds")]
    [InlineData("Sandbox:WithdrawalTransactionIds", "sometimes", "Sandbox:WithdrawalTransactionIds")]
    public async Task Invalid_setting_stops_start_up_naming_the_key(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(
            () => TestSandbox.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postback_private_key_is_not_in_the_start_up_error()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Sandbox:PostbackUrl"] = "not a url",
            ["Sandbox:PostbackAccessKey"] = "access",
            ["Sandbox:PostbackPrivateKey"] = "private-key-that-must-stay-secret",
        }));

        Assert.DoesNotContain("private-key-that-must-stay-secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_signs_postbacks_with_the_merchant_apis_development_keys()
    {
        // The file as shipped, added over the test's own settings, as the Development environment would load it.
        // The shipped file posts to the merchant API's Development URL; nothing listens there in a test.
        await using var sandbox = await TestSandbox.StartAsync(configure: builder => builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sandbox:PostbackUrl"] = "" }));

        var record = await PostRecordAsync(sandbox, """{"kind":"withdrawal","amount":1}""");

        var parsed = PostbackParser.Parse(Encoding.UTF8.GetBytes(record.GetProperty("body").GetString()!));
        Assert.True(new PostbackVerifier("dev-access-key", "dev-private-key").Verify(parsed.Postback!).IsVerified);
        Assert.Equal("not_sent", record.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Development_takes_withdrawals_signed_with_the_development_withdrawal_key()
    {
        await using var sandbox = await TestSandbox.StartAsync(configure: builder => builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sandbox:PostbackUrl"] = "" }));

        using var accepted = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest(), key: "dev-withdrawal-key");

        await WithdrawalAssert.OkAsync(accepted);
    }

    [Fact]
    public async Task Shipped_settings_leave_payouts_off()
    {
        await using var sandbox = await TestSandbox.StartAsync(configure: builder => builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false));

        using var refused = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest(), key: "dev-withdrawal-key");

        Assert.Equal("Withdrawal signature is invalid", await GatewayAssert.FailAsync(refused));
    }

    private static async Task<JsonElement> PostRecordAsync(TestSandbox sandbox, string json)
    {
        using var response = await sandbox.Http.PostAsync("/sandbox/postbacks", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}

using Paykassma.PluginApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Paykassma.PluginApi.Tests.Client;

/// <summary>
/// The plugin API secret travels in the query string, and .NET's HttpClient logging prints request
/// URIs. These tests drive every kind of call ending (ok, refusal, retries, timeouts, connection
/// failure) with all loggers at Trace, and assert the secret appears in no captured line.
/// </summary>
public sealed class SecretRedactionTests
{
    // Our protection must not lean on .NET's own query redaction (a switch can turn it off).
    static SecretRedactionTests() => AppContext.SetSwitch("System.Net.Http.DisableUriRedaction", true);

    [Fact]
    public async Task The_secret_is_sent_to_the_gateway_but_never_logged()
    {
        using var gateway = new GatewayStub(o => o.Resilience.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        gateway.Server.Given(Request.Create().WithPath("/api/v1/transaction/create/bnb_ml").UsingPost()).InScenario("s")
            .WillSetStateTo("refuse").RespondWith(Response.Create().WithStatusCode(500));
        gateway.Server.Given(Request.Create().WithPath("/api/v1/transaction/create/bnb_ml").UsingPost()).InScenario("s")
            .WhenStateIs("refuse").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithBody("""{"status":"fail","message":"no"}"""));
        gateway.Server.Given(Request.Create().WithPath("/api/v1/transaction/create/bnb_ml").UsingPost()).InScenario("s")
            .WhenStateIs("ok").RespondWith(Response.Create().WithBody("""{"status":"ok","params":{"Wallet number":"1"}}"""));
        gateway.Server.Given(Request.Create().WithPath("/api/v1/possible-transaction").UsingPost())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(3)));

        await gateway.Client.CreateDepositAsync("u", CancellationToken.None);
        await gateway.Client.CreateDepositAsync("u", CancellationToken.None);
        await gateway.Client.SubmitPossibleTransactionAsync(new PossibleTransaction("u", "123456789012", 1, "c1", "s.png",
            "image/png", _ => ValueTask.FromResult<Stream>(new MemoryStream([1, 2, 3]))), CancellationToken.None);
        gateway.Server.Stop();
        await gateway.Client.CreateDepositAsync("u", CancellationToken.None);

        Assert.Contains(gateway.Requests, r => r.RequestMessage!.Query!["secret"].Single() == GatewayStub.Secret);
        var logs = gateway.AllLogText();
        Assert.Contains("System.Net.Http.HttpClient", logs, StringComparison.Ordinal);
        Assert.Contains("/api/v1/transaction/create/bnb_ml", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayStub.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(GatewayStub.Secret), logs, StringComparison.Ordinal);
        Assert.DoesNotContain("secret=", logs, StringComparison.Ordinal);
    }
}

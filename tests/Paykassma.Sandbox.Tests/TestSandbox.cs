using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Paykassma.Sandbox.Tests;

/// <summary>
/// A sandbox on a real loopback port, hosted exactly as the merchant's end-to-end tests will host it.
/// One per test: faults are process-wide in a sandbox, so sharing one would couple tests.
/// </summary>
internal sealed class TestSandbox : IAsyncDisposable
{
    public const string Secret = "test-plugin-secret";

    private TestSandbox(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    public static async Task<TestSandbox> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        // No config file watchers: dozens of hosts in one process would exhaust the inotify instances.
        var app = SandboxApp.Build(["--hostBuilder:reloadConfigOnChange=false"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sandbox:Secret"] = Secret,
                ["Serilog:MinimumLevel:Default"] = "Warning",
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            configure?.Invoke(builder);
        });
        app.Urls.Add("http://127.0.0.1:0");
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // Start-up validation tests expect the throw; the half-started host must not leak.
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TestSandbox(app, new Uri(address));
    }

    public static string CreateDepositPath(string walletType = "bnb_ml", string? secret = Secret) =>
        $"/api/v1/transaction/create/{walletType}{SecretQuery(secret)}";

    public static string PossibleTransactionPath(string? secret = Secret) => $"/api/v1/possible-transaction{SecretQuery(secret)}";

    public Task<HttpResponseMessage> CreateDepositAsync(string label, string currency = "BTN") =>
        Http.PostAsJsonAsync(CreateDepositPath(), new { currency, label });

    public Task<HttpResponseMessage> SubmitProofAsync(ProofForm form, HttpClient? http = null) =>
        (http ?? Http).PostAsync(PossibleTransactionPath(), form.ToContent());

    public async Task<JsonElement[]> ListProofsAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/sandbox/possible-transactions"));
        return document.RootElement.EnumerateArray().Select(proof => proof.Clone()).ToArray();
    }

    public async Task<JsonElement?> FindProofAsync(string customTransactionId)
    {
        using var response = await Http.GetAsync($"/sandbox/possible-transactions/{Uri.EscapeDataString(customTransactionId)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task SetFaultAsync(object fault)
    {
        using var response = await Http.PostAsJsonAsync("/sandbox/faults", fault);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }

    private static string SecretQuery(string? secret) => secret is null ? "" : $"?secret={Uri.EscapeDataString(secret)}";
}

/// <summary>Reads a gateway answer and checks the <c>{"status":"fail","message":…}</c> shape strictly.</summary>
internal static class GatewayAssert
{
    public static async Task<string> FailAsync(HttpResponseMessage response, int expectedStatus = 200)
    {
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["status", "message"], body.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.Equal("fail", body.RootElement.GetProperty("status").GetString());
        return body.RootElement.GetProperty("message").GetString()!;
    }
}

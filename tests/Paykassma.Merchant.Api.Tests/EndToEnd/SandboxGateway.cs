using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Sandbox;

namespace Paykassma.Merchant.Api.Tests.EndToEnd;

/// <summary>
/// The sandbox gateway in-process on a real port, with the merchant's test secret and postback
/// keys, posting its signed postbacks to the given URL. The service under test calls it over HTTP.
/// </summary>
public sealed class SandboxGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxGateway(WebApplication app) => _app = app;

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public HttpClient Control() => new() { BaseAddress = new Uri(Url) };

    public static async Task<SandboxGateway> StartAsync(string postbackUrl, IDictionary<string, string?>? settings = null)
    {
        var app = SandboxApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sandbox:Secret"] = Infrastructure.MerchantApiFactory.PluginSecret,
                ["Sandbox:PostbackUrl"] = postbackUrl,
                ["Sandbox:PostbackAccessKey"] = Infrastructure.MerchantApiFactory.PostbackAccessKey,
                ["Sandbox:PostbackPrivateKey"] = Infrastructure.MerchantApiFactory.PostbackPrivateKey,
                ["Sandbox:WithdrawalPrivateKey"] = Infrastructure.MerchantApiFactory.WithdrawalPrivateKey,
                ["Sandbox:PostbackDelaySeconds"] = "0.2",
                ["Sandbox:PostbackFirstRetrySeconds"] = "0.2",
                ["Sandbox:PostbackMaxRetrySeconds"] = "1",
                ["Sandbox:StallSeconds"] = "30",
                ["Serilog:MinimumLevel:Default"] = "Warning",
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return new SandboxGateway(app);
    }

    /// <summary>
    /// The sandbox and the service on Kestrel, each calling the other over HTTP (the sandbox's payment
    /// window is the service's plugin URL). The sandbox must know where to post before the service
    /// starts, and the service where the gateway is: the service's port is chosen first.
    /// </summary>
    public static async Task<(SandboxGateway Sandbox, Infrastructure.MerchantApiFactory Api)> StartWithServiceAsync(
        params (string Key, string Value)[] settings)
    {
        var apiPort = Paykassma.Tests.Shared.OsProcesses.FreePort();
        var sandbox = await StartAsync($"http://127.0.0.1:{apiPort}/api/paykassma/postback");
        var api = new Infrastructure.MerchantApiFactory();
        await api.InitializeAsync();
        api.With("Paykassma:ApiBaseUrl", sandbox.Url);
        api.With("Paykassma:PluginBaseUrl", sandbox.Url + "/plugin/");
        foreach (var (key, value) in settings)
        {
            api.With(key, value);
        }
        api.UseKestrel(apiPort);
        api.StartServer();
        return (sandbox, api);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

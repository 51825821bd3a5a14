using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Paykassma.PluginApi.Client;
using WireMock;
using WireMock.Logging;
using WireMock.Server;

namespace Paykassma.PluginApi.Tests.Client;

/// <summary>
/// A WireMock.Net gateway on a random port plus a <see cref="PluginApiClient"/> wired exactly as
/// the service wires it, with every log line of every category captured at Trace level.
/// </summary>
public sealed class GatewayStub : IDisposable
{
    public const string Secret = "s3cr3t-plugin-key/with+chars";

    public const string WithdrawalKey = "wd-k3y/withdrawal+signing";

    private readonly ServiceProvider _provider;

    public GatewayStub(Action<PaykassmaOptions>? configure = null)
    {
        Server = WireMockServer.Start();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace));
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = true);
        services.Configure<PaykassmaOptions>(o =>
        {
            o.ApiBaseUrl = new Uri(Server.Url!);
            o.PluginApiSecret = Secret;
            o.PostbackAccessKey = "access";
            o.PostbackPrivateKey = "private";
            o.WithdrawalPrivateKey = WithdrawalKey;
            // Generous: a loaded CI machine must not turn a quick answer into a timeout. 2 s was once exceeded
            // by a cold first call on a machine with load 9, and 5 s by the first call of a class while three
            // test projects ran at once (load ~30): a retry the test did not expect (two requests, not one).
            // The tests of timeouts set their own attempt time.
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(60);
            o.Resilience.MaxRetries = 2;
            o.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(o);
        });
        services.AddPaykassmaPluginApi();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Client = _provider.GetRequiredService<PluginApiClient>();
        Logs = _provider.GetRequiredService<FakeLogCollector>();
    }

    public WireMockServer Server { get; }

    public PluginApiClient Client { get; }

    public FakeLogCollector Logs { get; }

    public IReadOnlyList<ILogEntry> Requests => Server.LogEntries.ToList();

    /// <summary>Every captured log line rendered with its state values and exception, for "never contains" checks.</summary>
    public string AllLogText()
    {
        var text = new StringBuilder();
        foreach (var record in Logs.GetSnapshot())
        {
            text.AppendLine(record.Category).AppendLine(record.Message).AppendLine(record.Exception?.ToString());
            foreach (var pair in record.StructuredState ?? [])
            {
                text.Append(pair.Key).Append('=').AppendLine(pair.Value);
            }
            foreach (var scope in record.Scopes)
            {
                text.AppendLine(scope?.ToString());
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The request declared its length and was not chunked: PHP behind some FastCGI proxies
    /// refuses a chunked body or reads it as empty.
    /// </summary>
    public static void AssertSentWithContentLength(IRequestMessage request)
    {
        var headers = request.Headers!.ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        Assert.False(headers.ContainsKey("Transfer-Encoding"), $"Transfer-Encoding: {string.Join(", ", headers.GetValueOrDefault("Transfer-Encoding") ?? [])}");
        Assert.True(headers.TryGetValue("Content-Length", out var length), "no Content-Length header");
        Assert.Equal(request.BodyAsBytes!.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(length));
    }

    public static async Task<Dictionary<string, (string? FileName, string? ContentType, byte[] Bytes)>> ReadMultipartAsync(IRequestMessage request)
    {
        var contentType = request.Headers!["Content-Type"].Single();
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(request.BodyAsBytes!));
        var parts = new Dictionary<string, (string?, string?, byte[])>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            parts[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] =
                (HeaderUtilities.RemoveQuotes(disposition.FileName).Value, section.ContentType, buffer.ToArray());
        }
        return parts;
    }

    public void Dispose()
    {
        _provider.Dispose();
        Server.Stop();
        Server.Dispose();
    }
}

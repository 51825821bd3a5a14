using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.PluginApi.Postbacks;
using Serilog.Core;
using Serilog.Events;

namespace Paykassma.Sandbox.Tests.Postbacks;

/// <summary>
/// A sandbox that posts to a <see cref="PostbackReceiver"/>, with waits short enough for tests, and a
/// verifier configured with the same keys, as the merchant's would be.
/// </summary>
internal sealed class PostbackSandbox : IAsyncDisposable
{
    public const string AccessKey = "test-access-key";

    /// <summary>Distinctive, so a test can search every log line for it.</summary>
    public const string PrivateKey = "test-private-key-5b1e9c";

    private PostbackSandbox(TestSandbox sandbox, PostbackReceiver receiver, CapturedLog log)
    {
        Sandbox = sandbox;
        Receiver = receiver;
        Log = log;
    }

    public TestSandbox Sandbox { get; }
    public PostbackReceiver Receiver { get; }
    public CapturedLog Log { get; }
    public HttpClient Http => Sandbox.Http;
    public PostbackVerifier Verifier { get; } = new(AccessKey, PrivateKey);

    public static async Task<PostbackSandbox> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, bool withUrl = true)
    {
        var receiver = await PostbackReceiver.StartAsync();
        var log = new CapturedLog();
        var all = new Dictionary<string, string?>
        {
            ["Sandbox:PostbackUrl"] = withUrl ? receiver.Url.ToString() : null,
            ["Sandbox:PostbackAccessKey"] = AccessKey,
            ["Sandbox:PostbackPrivateKey"] = PrivateKey,
            ["Sandbox:PostbackDelaySeconds"] = "0",
            ["Sandbox:PostbackFirstRetrySeconds"] = "0.05",
            ["Sandbox:PostbackMaxRetrySeconds"] = "0.2",
            ["Sandbox:PostbackTimeoutSeconds"] = "2",
            // Interim withdrawal statuses stay on (the default); only the wait between them is shortened.
            ["Sandbox:WithdrawalStatusStepSeconds"] = "0.05",
            // Everything, so the test that searches the logs for the private key sees every line.
            ["Serilog:MinimumLevel:Default"] = "Verbose",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
            ["Serilog:MinimumLevel:Override:System"] = "Verbose",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        try
        {
            var sandbox = await TestSandbox.StartAsync(all, builder => builder.Services.AddSingleton<ILogEventSink>(log));
            return new PostbackSandbox(sandbox, receiver, log);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    public static ParsedPostback Parse(byte[] body)
    {
        var parsed = PostbackParser.Parse(body);
        Assert.True(parsed.IsSuccess, parsed.Failure?.Message);
        return parsed.Postback!;
    }

    public PostbackVerification Verify(byte[] body) => Verifier.Verify(Parse(body));

    /// <summary>POST /sandbox/postbacks; asserts 201 and returns the record.</summary>
    public async Task<JsonElement> TriggerAsync(object request)
    {
        using var response = await Http.PostAsJsonAsync("/sandbox/postbacks", request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetAsync(long id) =>
        JsonDocument.Parse(await Http.GetStringAsync($"/sandbox/postbacks/{id}")).RootElement.Clone();

    public async Task<JsonElement[]> ListAsync(string? customTransactionId = null)
    {
        var query = customTransactionId is null ? "" : $"?customTransactionId={Uri.EscapeDataString(customTransactionId)}";
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"/sandbox/postbacks{query}"));
        return document.RootElement.EnumerateArray().Select(item => item.Clone()).ToArray();
    }

    /// <summary>Polls the record until it reaches <paramref name="state"/>.</summary>
    public async Task<JsonElement> WaitForStateAsync(long id, string state, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var record = await GetAsync(id);
            if (record.GetProperty("state").GetString() == state)
            {
                return record;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Postback {id} is {record.GetProperty("state")}, not {state}: {record}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>Every log event of a sandbox, rendered with its properties and exception, as any sink could write it.</summary>
internal sealed class CapturedLog : ILogEventSink
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(", ", logEvent.Properties.Select(property => $"{property.Key}={property.Value}"));
        var line = $"{logEvent.RenderMessage()} | {properties} | {logEvent.Exception}";
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}

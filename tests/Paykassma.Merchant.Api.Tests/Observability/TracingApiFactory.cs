using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paykassma.Merchant.Api.Tests.Observability;

/// <summary>
/// The service with tracing on, exporting by OTLP over HTTP/protobuf to a real HTTP endpoint (a
/// WireMock server that keeps every request body), with secrets of its own that the tests look for
/// in what was exported, and the production JSON log lines captured.
/// </summary>
public sealed class TracingApiFactory : JsonLoggedApiFactory
{
    // Characters that URL-escaping changes: a leak would show escaped on the wire.
    public const string TracedPluginSecret = "trace-plugin-secret-7c1e/+=&%";
    public const string PreviousPostbackKey = "pk_prev_trace_2a6d91";
    public const string WithdrawalKey = "wk_trace_5d8e0a13";
    public const string DatabasePassword = "db-pass-trace-3b9f40";

    public WireMockServer Collector { get; } = WireMockServer.Start();

    public TracingApiFactory()
    {
        Collector.Given(Request.Create().WithPath("/v1/traces").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));
        With("OTEL_EXPORTER_OTLP_ENDPOINT", Collector.Url);
        With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        With("OTEL_BSP_SCHEDULE_DELAY", "200");
        // The instrumentations' own query redaction off, as an operator might turn it off: the
        // service's redaction must not depend on it (without it, url.query carries ?secret= here).
        With("OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION", "true");
        With("OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION", "true");
        With("Paykassma:PluginApiSecret", TracedPluginSecret);
        With("Paykassma:PostbackPreviousPrivateKey", PreviousPostbackKey);
        With("Paykassma:WithdrawalPrivateKey", WithdrawalKey);
    }

    /// <summary>Every secret this host knows, each of which must never be in an exported byte.</summary>
    public static IReadOnlyList<string> Secrets { get; } =
    [
        TracedPluginSecret, PluginSecret, PostbackPrivateKey, PreviousPostbackKey, WithdrawalKey, DatabasePassword, TestTokens.SigningKey,
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // The test cluster trusts local connections, so the password is not checked, but it is in the
        // connection string that Npgsql's spans could describe.
        With("ConnectionStrings:Merchant", ConnectionString + ";Password=" + DatabasePassword);
    }

    /// <summary>The decoded spans of every export request received so far.</summary>
    public IReadOnlyList<OtlpSpan> ExportedSpans() => ExportBodies().SelectMany(body => OtlpTraces.Decode(body)).ToList();

    public IReadOnlyList<byte[]> ExportBodies() =>
        Collector.LogEntries.Select(e => e.RequestMessage?.BodyAsBytes).OfType<byte[]>().ToList();

    /// <summary>Flushes the exporter until <paramref name="done"/> holds for the exported spans (spans end a little after their answers).</summary>
    public async Task<IReadOnlyList<OtlpSpan>> SpansWhenAsync(Func<IReadOnlyList<OtlpSpan>, bool> done)
    {
        var tracer = Services.GetRequiredService<TracerProvider>();
        return await Eventually.WaitForAsync(() =>
        {
            tracer.ForceFlush(5000);
            return Task.FromResult(ExportedSpans());
        }, done, TimeSpan.FromSeconds(20));
    }

    public override async ValueTask DisposeAsync()
    {
        // The host first: its last flush still finds the collector.
        await base.DisposeAsync();
        Collector.Stop();
        Collector.Dispose();
    }
}

/// <summary>The service with its log events also captured as the production console writes them.</summary>
public class JsonLoggedApiFactory : MerchantApiFactory
{
    public JsonLogLines JsonLogs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // AddMerchantLogging reads sinks from the services (ReadFrom.Services).
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(JsonLogs));
    }

    /// <summary>The lines logged within the trace <paramref name="traceId"/>.</summary>
    public IReadOnlyList<JsonElement> LinesOfTrace(string traceId) =>
        JsonLogs.Parsed().Where(l => l.TryGetProperty("@tr", out var tr) && tr.GetString() == traceId).ToList();
}

/// <summary>Log events as the production console writes them (compact JSON: <c>@tr</c>, <c>@sp</c>).</summary>
public sealed class JsonLogLines : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly RenderedCompactJsonFormatter _formatter = new();

    public void Emit(LogEvent logEvent)
    {
        using var text = new StringWriter();
        _formatter.Format(logEvent, text);
        _lines.Enqueue(text.ToString());
    }

    public IReadOnlyList<JsonElement> Parsed() =>
        _lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    public string AllText() => string.Join('\n', _lines);
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Observability;

/// <summary>The service without an OTLP endpoint: tracing is off entirely.</summary>
public sealed class TracingOffApiFactory : JsonLoggedApiFactory
{
    public TracingOffApiFactory() => With("OTEL_EXPORTER_OTLP_ENDPOINT", "");
}

/// <summary>
/// Run alone, after the parallel collections and apart from the traced host (whose listener is
/// process-wide), so "nobody listens" is about this host only.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingOffCollection : ICollectionFixture<TracingOffApiFactory>
{
    public const string Name = "tracing-off";
}

[Collection(TracingOffCollection.Name)]
public sealed class TracingOffTests(TracingOffApiFactory api)
{
    [Fact]
    public async Task Without_an_otlp_endpoint_nothing_listens_for_spans_and_log_lines_still_carry_the_trace_id()
    {
        var label = GatewayScript.NewLabel("untraced");
        api.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(label);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/deposits", new { amount = 300 })).StatusCode);

        var missing = await client.GetAsync($"/api/deposits/{Guid.NewGuid()}");

        Assert.Null(api.Services.GetService<TracerProvider>());
        foreach (var source in new[] { "Microsoft.AspNetCore", "System.Net.Http", "Npgsql" })
        {
            using var probe = new ActivitySource(source);
            Assert.False(probe.HasListeners(), $"Something listens to {source} spans.");
        }
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var traceId = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Contains(api.LinesOfTrace(traceId), l => l.GetProperty("SourceContext").GetString() == "Serilog.AspNetCore.RequestLoggingMiddleware");
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Tests.Observability;

public sealed class TraceRedactionTests
{
    [Fact]
    public void Query_strings_connection_strings_and_parameters_are_taken_out_of_a_finished_span_and_the_rest_is_kept()
    {
        // As a span would look with the instrumentations' own redaction turned off.
        using var span = new Activity("POST")
            .SetTag("url.full", "https://api.gateway.test/api/v1/transaction/create/bnb_ml?secret=s3cr%2Ft#frag")
            .SetTag("http.url", "https://api.gateway.test/x?secret=s3cr")
            .SetTag("http.target", "/api/deposits?access_token=t0k")
            .SetTag("url.query", "?access_token=t0k")
            .SetTag("url.path", "/api/deposits")
            .SetTag("db.connection_string", "Host=db;Password=pw")
            .SetTag("db.npgsql.data_source", "Host=db;Password=pw")
            .SetTag("db.query.parameter.p1", "s3cr")
            .SetTag("db.operation.parameter.key", "s3cr")
            .SetTag("db.query.text", "SELECT 1 WHERE a = $1")
            .SetTag("http.response.status_code", 201);

        new SpanRedaction().OnEnd(span);

        Assert.Equal("https://api.gateway.test/api/v1/transaction/create/bnb_ml", span.GetTagItem("url.full"));
        Assert.Equal("https://api.gateway.test/x", span.GetTagItem("http.url"));
        Assert.Equal("/api/deposits", span.GetTagItem("http.target"));
        Assert.Equal("/api/deposits", span.GetTagItem("url.path"));
        Assert.Equal("SELECT 1 WHERE a = $1", span.GetTagItem("db.query.text"));
        Assert.Equal(201, span.GetTagItem("http.response.status_code"));
        foreach (var gone in new[] { "url.query", "db.connection_string", "db.npgsql.data_source", "db.query.parameter.p1", "db.operation.parameter.key" })
        {
            Assert.Null(span.GetTagItem(gone));
        }
    }

    [Fact]
    public void A_span_with_nothing_to_redact_is_left_as_it_is()
    {
        using var span = new Activity("GET").SetTag("url.full", "https://api.gateway.test/path").SetTag("url.path", "/path");

        new SpanRedaction().OnEnd(span);

        Assert.Equal(["url.full", "url.path"], span.TagObjects.Select(t => t.Key));
        Assert.Equal("https://api.gateway.test/path", span.GetTagItem("url.full"));
    }

    [Theory]
    [InlineData(null, null, "paykassma-merchant-api")]
    [InlineData("renamed", null, "renamed")]
    [InlineData(null, "service.name=from-attributes", "from-attributes")]
    [InlineData("renamed", "service.name=from-attributes", "renamed")]
    public void The_service_is_paykassma_merchant_api_unless_the_standard_settings_name_it(string? serviceName, string? attributes, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = attributes,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOpenTelemetry().ConfigureResource(ObservabilityExtensions.ConfigureResource).WithTracing(_ => { });
        using var provider = services.BuildServiceProvider();

        var resource = provider.GetRequiredService<TracerProvider>().GetResource();

        Assert.Equal(expected, resource.Attributes.Single(a => a.Key == "service.name").Value);
    }
}

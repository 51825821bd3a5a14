using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Observability;

/// <summary>
/// Run alone, after the parallel collections: the tracer listens to ASP.NET Core, HttpClient and
/// Npgsql across the whole process, so another host's requests would be traced (and exported) too.
/// The WireMock servers are ASP.NET Core apps in this process as well: their server spans (the fake
/// gateway's, a child of our gateway call, and the collector's own) are exported alongside.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection : ICollectionFixture<TracingApiFactory>
{
    public const string Name = "tracing";
}

[Collection(TracingCollection.Name)]
public sealed class TracingTests(TracingApiFactory api)
{
    [Fact]
    public async Task A_deposit_creation_is_one_trace_of_its_request_its_gateway_call_and_its_statements_with_the_trace_id_of_its_log_lines()
    {
        var label = GatewayScript.NewLabel("traced");
        api.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(label);

        var response = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var depositId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var created = Assert.Single(api.JsonLogs.Parsed(), l => l.TryGetProperty("DepositId", out var id) && id.GetString() == depositId);
        var traceId = created.GetProperty("@tr").GetString()!;
        var spans = await api.SpansWhenAsync(all => all.Any(s => s.TraceId == traceId && IsOurs(s)));
        var trace = spans.Where(s => s.TraceId == traceId).ToList();

        var server = Assert.Single(trace, IsOurs);
        Assert.Equal(OtlpSpanKind.Server, server.Kind);
        Assert.Equal("", server.ParentSpanId);
        Assert.Equal(created.GetProperty("@sp").GetString(), server.SpanId);
        Assert.Equal("201", server["http.response.status_code"]);
        Assert.Equal(ObservabilityExtensions.ServiceName, server.Resource["service.name"]);

        var gatewayCall = Assert.Single(trace, s => s.Scope == "System.Net.Http");
        Assert.Equal(OtlpSpanKind.Client, gatewayCall.Kind);
        Assert.Equal(server.SpanId, gatewayCall.ParentSpanId);
        Assert.Equal(api.Gateway.Url + GatewayScript.CreatePath, gatewayCall["url.full"]);

        var statements = trace.Where(s => s.Scope == "Npgsql").ToList();
        Assert.NotEmpty(statements);
        Assert.All(statements, s => Assert.Equal(server.SpanId, s.ParentSpanId));
        var insert = Assert.Single(statements, s => s["db.query.text"]?.Contains("INSERT INTO deposits", StringComparison.Ordinal) == true);
        Assert.Equal("postgresql", insert["db.system.name"]);
        Assert.Contains("$1", insert["db.query.text"], StringComparison.Ordinal);
        // The statement's values (the label, the requisites) are parameters: in no exported byte.
        Assert.DoesNotContain(api.ExportBodies(), body => Contains(body, label) || Contains(body, "200100300400"));

        // Every line the request logged (its one request line included) names this trace.
        var lines = api.LinesOfTrace(traceId);
        Assert.Contains(lines, l => l.GetProperty("SourceContext").GetString() == "Serilog.AspNetCore.RequestLoggingMiddleware"
                                    && l.GetProperty("StatusCode").GetInt32() == 201);
        Assert.Contains(lines, l => l.GetProperty("SourceContext").GetString() == "Paykassma.PluginApi.Client.PluginApiClient");
    }

    [Fact]
    public async Task A_problem_answer_names_the_exported_trace_and_the_requests_query_string_is_not_exported()
    {
        var label = GatewayScript.NewLabel("traced-refused");
        api.Gateway.AnswersCreate(label, """{"status":"fail","message":"User label is blocked"}""");
        using var client = api.ClientFor(label);
        var marker = "tok" + Guid.NewGuid().ToString("N");

        var response = await client.PostAsJsonAsync($"/api/deposits?access_token={marker}", new { amount = 300 });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;
        var spans = await api.SpansWhenAsync(all => all.Any(s => s.TraceId == traceId && IsOurs(s)));
        var server = Assert.Single(spans, s => s.TraceId == traceId && IsOurs(s));
        Assert.Equal("502", server["http.response.status_code"]);
        Assert.Null(server["url.query"]);
        Assert.Single(spans, s => s.TraceId == traceId && s.Scope == "System.Net.Http");
        Assert.Contains(api.LinesOfTrace(traceId), l => l.GetProperty("SourceContext").GetString() == "Serilog.AspNetCore.RequestLoggingMiddleware"
                                                        && l.GetProperty("StatusCode").GetInt32() == 502);
        Assert.DoesNotContain(api.ExportBodies(), body => Contains(body, marker));
    }

    [Fact]
    public async Task No_exported_byte_carries_a_secret_a_token_or_a_query_whatever_the_call()
    {
        var tokens = new List<string>();
        HttpClient User(string label, bool ops = false)
        {
            var client = api.ClientFor(label, ops);
            tokens.Add(client.DefaultRequestHeaders.Authorization!.Parameter!);
            return client;
        }
        var paid = GatewayScript.NewLabel("traced-paid");
        var (depositId, customId) = await api.ForwardedProofAsync(paid);
        using var anonymous = api.CreateClient();
        Assert.Equal("ok", await TestPostbacks.StatusOf(await anonymous.PostAsync(
            TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), label: paid))));
        var previousKey = TestPostbacks.Body([TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId)], paid,
            privateKey: TracingApiFactory.PreviousPostbackKey);
        Assert.Equal("ok", await TestPostbacks.StatusOf(await anonymous.PostAsync(previousKey)));
        var forged = TestPostbacks.Body([TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId)], paid, privateKey: "not-the-key");
        await anonymous.PostAsync(forged);
        var down = GatewayScript.NewLabel("traced-down");
        api.Gateway.AnswersCreate(down, "", status: 500);
        using (var client = User(down))
        {
            // Retried, then a 5xx problem: several gateway calls in one trace.
            Assert.True((int)(await client.PostAsJsonAsync("/api/deposits", new { amount = 10 })).StatusCode >= 500);
        }
        var marker = "tok" + Guid.NewGuid().ToString("N");
        using (var client = User(paid))
        {
            await client.GetAsync($"/api/deposits/{depositId}?token={marker}&secret={marker}");
        }
        using (var ops = User("ops-traced", ops: true))
        {
            Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync($"/api/ops/deposits/{depositId}")).StatusCode);
        }

        // Every request the service logged has been exported (the health and metrics ones are not traced).
        var requests = api.JsonLogs.Parsed()
            .Where(l => l.GetProperty("SourceContext").GetString() == "Serilog.AspNetCore.RequestLoggingMiddleware"
                        && l.TryGetProperty("@tr", out _))
            .Select(l => l.GetProperty("@tr").GetString()!)
            .ToHashSet();
        var spans = await api.SpansWhenAsync(all => requests.IsSubsetOf(all.Where(IsOurs).Select(s => s.TraceId)));
        Assert.Subset(spans.Where(IsOurs).Select(s => s.TraceId).ToHashSet(), requests);

        // Not vacuous: the gateway got the secret, and what carried it was traced.
        Assert.Contains(api.Gateway.LogEntries, e => e.RequestMessage?.RawQuery?.Contains(Uri.EscapeDataString(TracingApiFactory.TracedPluginSecret), StringComparison.Ordinal) == true);
        Assert.Contains(spans, s => s.Scope == "System.Net.Http" && s["url.full"]?.Contains(GatewayScript.CreatePath, StringComparison.Ordinal) == true);
        Assert.Contains(spans, s => s.Scope == "System.Net.Http" && s["url.full"]?.Contains("possible-transaction", StringComparison.Ordinal) == true);
        Assert.Contains(spans, s => s.Scope == "Npgsql" && spans.Any(p => p.SpanId == s.ParentSpanId && p["url.path"] == "/api/paykassma/postback"));

        var bodies = api.ExportBodies();
        foreach (var secret in TracingApiFactory.Secrets.Concat(tokens).Append(marker))
        {
            foreach (var form in Forms(secret))
            {
                var leaks = spans.Where(s => s.Attributes.Values.Concat(s.Events.SelectMany(e => e.Attributes.Values)).Append(s.Name)
                    .Any(v => v.Contains(form, StringComparison.Ordinal))).Select(s => $"{s.Scope} {s.Name}");
                Assert.False(bodies.Any(b => Contains(b, form)), $"'{form}' was exported: {string.Join("; ", leaks)}");
            }
        }
        Assert.All(spans, s =>
        {
            Assert.DoesNotContain("url.query", s.Attributes.Keys);
            Assert.DoesNotContain("db.npgsql.data_source", s.Attributes.Keys);
            Assert.DoesNotContain(s.Attributes.Keys, k => k.Contains(".parameter.", StringComparison.Ordinal));
            Assert.DoesNotContain('?', s["url.full"] ?? "");
        });
    }

    /// <summary>Our service's own request spans (the WireMock servers' are ASP.NET Core spans too).</summary>
    private static bool IsOurs(OtlpSpan span) =>
        span.Scope == "Microsoft.AspNetCore" && span["url.path"]?.StartsWith("/api/", StringComparison.Ordinal) == true
        && span["url.path"]?.StartsWith("/api/v1/", StringComparison.Ordinal) == false;

    /// <summary>A secret as it could appear: raw, URL-escaped, form-encoded, and its alphanumeric start.</summary>
    private static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        yield return Uri.EscapeDataString(secret);
        yield return WebUtility.UrlEncode(secret);
        var core = new string(secret.TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
        if (core.Length >= 8)
        {
            yield return core;
        }
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}

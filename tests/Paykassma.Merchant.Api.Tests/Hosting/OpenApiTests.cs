using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>The tests run outside Development, where the document and Swagger UI are for ops only.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(MerchantApiFactory api)
{
    [Fact]
    public async Task Every_status_enum_lists_its_values_and_ops_operations_are_grouped_by_resource()
    {
        using var ops = api.ClientFor("ops", ops: true);

        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var (schema, values) in new[]
        {
            ("DepositStatus", new[] { "awaiting_payment", "proof_submitted", "pending_confirmation", "confirmed", "expired" }),
            ("ProofStatus", new[] { "submitting", "forwarded", "rejected", "queued", "failed" }),
            ("PostbackOutcome", new[] { "accepted", "duplicate", "rejected", "held" }),
            ("PayoutStatus", new[] { "awaiting_approval", "approved", "sending", "sent", "queued", "refused", "failed", "rejected", "paid", "cancelled" }),
            ("OpsActionType", new[] { "payout_approve", "payout_reject", "payout_retry", "proof_retry", "event_redeliver", "postback_reverify", "attention_seen" }),
            ("OpsSubjectType", new[] { "payout", "proof", "event", "postback", "deposit", "transaction" }),
            ("AttentionKind", new[]
            {
                "proof_unconfirmed", "proof_queued", "proof_failed", "payout_awaiting_approval", "payout_refused", "payout_failed", "payout_stale",
                "payout_status_conflict", "postback_held", "item_unapplied", "event_failed", "deposit_amount_differs",
            }),
        })
        {
            Assert.True(schemas.TryGetProperty(schema, out var declared), $"{schema} is not a schema of its own");
            Assert.True(declared.TryGetProperty("enum", out var listed), $"{schema} lists no values");
            Assert.Equal(values.Order(), listed.EnumerateArray().Select(v => v.GetString()!).Order());
        }
        // Ops operations come in the order of their resources, so Swagger UI lists them that way.
        var opsPaths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith("/api/ops/", StringComparison.Ordinal))
            .Select(p => p.Split('/')[3]).Distinct().ToList();
        Assert.Equal(["attention", "deposits", "proofs", "postbacks", "transactions", "payouts", "events", "actions", "reconciliation"],
            opsPaths.Where(r => r != "session"));
    }

    [Fact]
    public async Task The_document_describes_every_answer_of_every_operation_with_the_bearer_scheme_and_examples()
    {
        using var ops = api.ClientFor("ops", ops: true);

        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .ToList();
        Assert.Contains(operations, o => o.Path == "/api/deposits" && o.Method == "post");
        Assert.Contains(operations, o => o.Path == "/api/deposits/{id}/proof" && o.Method == "post");
        Assert.Contains(operations, o => o.Path == "/api/paykassma/postback" && o.Method == "post");
        Assert.Contains(operations, o => o.Path == "/api/ops/deposits" && o.Method == "get");
        foreach (var (path, method, operation) in operations)
        {
            Assert.True(operation.TryGetProperty("operationId", out _), $"{method} {path} has no operationId");
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            Assert.Contains(responses, r => r.Name.StartsWith('2'));
            foreach (var success in responses.Where(r => r.Name[0] == '2' && r.Value.TryGetProperty("content", out var body) && body.TryGetProperty("application/json", out _)))
            {
                Assert.True(success.Value.GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _),
                    $"{method} {path} {success.Name} has no example");
            }
            foreach (var response in responses.Where(r => r.Name[0] is '4' or '5'))
            {
                Assert.True(response.Value.TryGetProperty("content", out var content), $"{method} {path} {response.Name} has no body schema");
                var expected = path == "/api/paykassma/postback" ? "application/json" : "application/problem+json";
                Assert.True(content.TryGetProperty(expected, out var media), $"{method} {path} {response.Name} is not {expected}");
                Assert.True(media.TryGetProperty("example", out _), $"{method} {path} {response.Name} has no example");
                if (expected == "application/problem+json")
                {
                    // One problem schema for every problem answer, declaring the members the examples carry.
                    Assert.Equal("#/components/schemas/Problem", media.GetProperty("schema").GetProperty("$ref").GetString());
                }
            }
        }
        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("Problem").GetProperty("properties");
        foreach (var member in new[] { "type", "title", "status", "detail", "traceId", "errors", "gatewayMessage", "proof" })
        {
            Assert.True(problem.TryGetProperty(member, out _), $"The Problem schema does not declare {member}");
        }
        var proofUpload = document.GetProperty("paths").GetProperty("/api/deposits/{id}/proof").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data");
        Assert.Equal("#/components/schemas/ProofForm", proofUpload.GetProperty("schema").GetProperty("$ref").GetString());

        var create = document.GetProperty("paths").GetProperty("/api/deposits").GetProperty("post");
        foreach (var status in new[] { "201", "400", "401", "403", "409", "413", "415", "422", "429", "502", "503", "504" })
        {
            Assert.True(create.GetProperty("responses").TryGetProperty(status, out _), $"POST /api/deposits does not describe {status}");
        }
        var upload = document.GetProperty("paths").GetProperty("/api/deposits/{id}/proof").GetProperty("post");
        foreach (var status in new[] { "202", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503", "504" })
        {
            Assert.True(upload.GetProperty("responses").TryGetProperty(status, out _), $"POST /api/deposits/{{id}}/proof does not describe {status}");
        }
        Assert.Equal(300, create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example").GetProperty("amount").GetInt32());
        Assert.Equal("awaiting_payment", create.GetProperty("responses").GetProperty("201").GetProperty("content")
            .GetProperty("application/json").GetProperty("example").GetProperty("status").GetString());
        var postback = document.GetProperty("paths").GetProperty("/api/paykassma/postback").GetProperty("post");
        Assert.Equal("ok", postback.GetProperty("responses").GetProperty("200").GetProperty("content")
            .GetProperty("application/json").GetProperty("example").GetProperty("status").GetString());
        Assert.True(postback.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").TryGetProperty("additional_data", out _));
        // Anonymous on purpose, and said so: an empty requirement list, not an absent one.
        Assert.Equal(0, postback.GetProperty("security").GetArrayLength());
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(create.TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Outside_Development_the_document_and_Swagger_UI_need_the_ops_role()
    {
        using var anonymous = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var frontend = api.ClientFor(GatewayScript.NewLabel());

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await frontend.GetAsync("/openapi/v1.json")).StatusCode);
        var page = await anonymous.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/swagger/login", page.Headers.Location?.OriginalString);
        var login = await anonymous.GetAsync("/swagger/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("ops role", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ops_session_cookie_opens_the_read_only_pages_but_not_the_api()
    {
        using var ops = api.ClientFor("ops", ops: true);
        var session = await ops.PostAsync("/api/ops/session", null);
        Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        var cookie = session.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using var browser = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        browser.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/swagger/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/ops/deposits")).StatusCode);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// The document as a generator reads it: every enum a typed string (in schemas and in the filters that
/// take one), money a number, a request field required only when the service requires it (and then
/// not nullable), no object nested under its own name, an example for every ops call.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContractShapeTests(MerchantApiFactory api)
{
    private async Task<JsonElement> DocumentAsync()
    {
        using var ops = api.ClientFor("ops", ops: true);
        return await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
    }

    private static JsonElement Schemas(JsonElement document) => document.GetProperty("components").GetProperty("schemas");

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (path.Name, operation.Name, operation.Value)));

    private static string[] Types(JsonElement schema) => !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];

    [Fact]
    public async Task Every_enum_is_a_string_with_its_values_in_schemas_and_in_the_filters_that_take_one()
    {
        var document = await DocumentAsync();

        foreach (var schema in Schemas(document).EnumerateObject().Where(s => s.Value.TryGetProperty("enum", out _)))
        {
            Assert.Contains("string", Types(schema.Value));
        }
        var filters = Operations(document).SelectMany(o => o.Operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Select(p => (o.Path, Parameter: p)) : [])
            .Where(p => p.Parameter.GetProperty("in").GetString() == "query")
            .ToDictionary(p => $"{p.Path}?{p.Parameter.GetProperty("name").GetString()}", p => p.Parameter.GetProperty("schema"));
        foreach (var (filter, expected) in new[]
        {
            ("/api/deposits?status", "confirmed"), ("/api/ops/deposits?status", "expired"), ("/api/ops/proofs?status", "failed"),
            ("/api/ops/payouts?status", "awaiting_approval"), ("/api/ops/postbacks?outcome", "held"),
            ("/api/ops/transactions?direction", "outgoing"), ("/api/ops/transactions?reason", "no_matching_proof"),
            ("/api/ops/events?status", "failed"), ("/api/ops/events?type", "payout.paid"), ("/api/ops/actions?action", "payout_approve"),
        })
        {
            Assert.True(filters.TryGetValue(filter, out var schema), $"{filter} is not in the document");
            Assert.Equal(["string"], Types(schema));
            Assert.Contains(expected, schema.GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        }
    }

    [Fact]
    public async Task Money_is_a_number_in_every_answer()
    {
        var schemas = Schemas(await DocumentAsync());

        foreach (var (schema, property) in new[]
        {
            ("DepositResponse", "confirmedAmount"), ("OpsDeposit", "confirmedAmount"), ("DepositStatusEvent", "confirmedAmount"),
            ("PayoutResponse", "settledAmount"), ("OpsPayout", "settledAmount"), ("OpsTransaction", "amount"),
            ("DepositEventData", "amount"), ("PayoutEventData", "settledAmount"),
        })
        {
            Assert.Equal(["null", "number"], Types(schemas.GetProperty(schema).GetProperty("properties").GetProperty(property)).Order());
        }
    }

    [Fact]
    public async Task A_request_field_is_required_only_when_the_service_requires_it_and_a_required_one_is_not_nullable()
    {
        var schemas = Schemas(await DocumentAsync());

        foreach (var optional in new[] { "CreateDepositRequest", "CreateWindowDepositRequest", "OpsActionRequest" })
        {
            Assert.False(schemas.GetProperty(optional).TryGetProperty("required", out _), $"{optional} requires a field the service does not");
        }
        var payout = schemas.GetProperty("CreatePayoutRequest");
        Assert.Equal(["accountName", "accountNumber", "amount", "label"], payout.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        foreach (var field in new[] { "accountName", "accountNumber", "amount", "label" })
        {
            Assert.DoesNotContain("null", Types(payout.GetProperty("properties").GetProperty(field)));
        }
        var form = schemas.GetProperty("ProofForm");
        Assert.Equal(["amount", "screenshot", "transactionNumber"], form.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal(["string"], Types(form.GetProperty("properties").GetProperty("screenshot")));
        Assert.Equal("binary", form.GetProperty("properties").GetProperty("screenshot").GetProperty("format").GetString());
        Assert.Equal(["integer"], Types(form.GetProperty("properties").GetProperty("amount")));
    }

    /// <summary>payout.payout.status was the ops payout detail: a member whose object holds a member of the same name, inside.</summary>
    [Fact]
    public async Task No_object_is_nested_under_its_own_name()
    {
        var schemas = Schemas(await DocumentAsync());

        var nested = new List<string>();
        foreach (var schema in schemas.EnumerateObject())
        {
            foreach (var property in schema.Value.TryGetProperty("properties", out var properties) ? properties.EnumerateObject() : [])
            {
                if (property.Value.TryGetProperty("$ref", out var reference)
                    && schemas.GetProperty(reference.GetString()!.Split('/')[^1]).TryGetProperty("properties", out var inner)
                    && inner.TryGetProperty(property.Name, out _))
                {
                    nested.Add($"{schema.Name}.{property.Name}.{property.Name}");
                }
            }
        }
        Assert.Empty(nested);
        var opsPayout = schemas.GetProperty("OpsPayout").GetProperty("properties");
        Assert.True(opsPayout.TryGetProperty("status", out _) && opsPayout.TryGetProperty("createdBy", out _));
    }

    [Fact]
    public async Task Every_ops_call_shows_an_example_of_its_body_and_of_every_answer_with_one()
    {
        var document = await DocumentAsync();

        var missing = new List<string>();
        foreach (var (path, method, operation) in Operations(document).Where(o => o.Path.StartsWith("/api/ops/", StringComparison.Ordinal)))
        {
            if (operation.TryGetProperty("requestBody", out var body)
                && body.GetProperty("content").EnumerateObject().Any(media => !media.Value.TryGetProperty("example", out _)))
            {
                missing.Add($"{method} {path} request");
            }
            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                if (response.Value.TryGetProperty("content", out var content)
                    && content.EnumerateObject().Any(media => media.Name.Contains("json", StringComparison.Ordinal) && !media.Value.TryGetProperty("example", out _)))
                {
                    missing.Add($"{method} {path} {response.Name}");
                }
            }
        }
        Assert.Empty(missing);
    }

    /// <summary>POST /dev/token exists in Development only: its document says every field of DevTokenRequest may be left out.</summary>
    [Fact]
    public async Task A_development_token_request_needs_no_field_at_all()
    {
        await using var development = new DevelopmentApiFactory();
        await development.InitializeAsync();
        using var anyone = development.CreateClient();

        var document = await anyone.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var request = Schemas(document!).GetProperty("DevTokenRequest");
        var token = await anyone.PostAsJsonAsync("/dev/token", new { label = "alice" });

        Assert.False(request.TryGetProperty("required", out _));
        // openapi-typescript makes a property with a default non-optional: the defaults are in the descriptions.
        Assert.All(request.GetProperty("properties").EnumerateObject(), property => Assert.False(property.Value.TryGetProperty("default", out _), property.Name));
        Assert.Equal(System.Net.HttpStatusCode.OK, token.StatusCode);
    }

    private sealed class DevelopmentApiFactory : MerchantApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Development");
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// The one error contract, finding by finding: a refusal is a problem with this project's type, a
/// detail that says what to change, and its errors under the names the client sent. (Every declared
/// error of every operation, 413 and 504 included, is walked by DeclaredErrorsTests.)
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ErrorContractTests(MerchantApiFactory api)
{
    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.StartsWith(Problems.Base, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), $"no detail: {text}");
        return problem;
    }

    private static string[] Fields(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToArray();

    [Theory]
    [InlineData("/api/deposits", 0)]
    [InlineData("/api/deposits", 1_000_001)]
    [InlineData("/api/deposits/window", 0)]
    [InlineData("/api/deposits/window", 1_000_001)]
    public async Task A_refused_amount_is_a_validation_problem_under_amount_naming_the_limit_the_service_enforces(string path, int amount)
    {
        using var user = api.ClientFor(GatewayScript.NewLabel("amount"));

        var problem = await ProblemOf(await user.PostAsJsonAsync(path, new { amount }), HttpStatusCode.BadRequest);

        Assert.Equal(Problems.Validation, problem.GetProperty("type").GetString());
        Assert.Equal(["amount"], Fields(problem));
        Assert.Contains("from 1 to 1000000", problem.GetProperty("errors").GetProperty("amount")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/deposits?pageSize=1000", "pageSize")]
    [InlineData("/api/deposits?pageSize=0", "pageSize")]
    [InlineData("/api/deposits?page=0", "page")]
    [InlineData("/api/ops/payouts?pageSize=201", "pageSize")]
    [InlineData("/api/ops/deposits?page=0&pageSize=500", "page,pageSize")]
    [InlineData("/api/deposits?status=confirmd", "status")]
    [InlineData("/api/ops/events?type=deposit.confirmd", "type")]
    public async Task Each_refused_query_parameter_is_reported_under_its_own_name(string path, string fields)
    {
        using var caller = api.ClientFor(GatewayScript.NewLabel("paging"), ops: path.StartsWith("/api/ops", StringComparison.Ordinal));

        var problem = await ProblemOf(await caller.GetAsync(path), HttpStatusCode.BadRequest);

        Assert.Equal(fields.Split(',').Order(), Fields(problem).Order());
    }

    [Theory]
    [InlineData("""{"amount":"300"}""", "amount", "whole number")]
    [InlineData("""{"amount":300.5}""", "amount", "whole number")]
    [InlineData("""{"amonut":300}""", "amonut", "Unknown field")]
    [InlineData("""{"amount":300,"amount":301}""", "amount", "more than once")]
    public async Task A_JSON_value_the_call_cannot_take_is_reported_under_the_field_as_the_client_sent_it(string body, string field, string says)
    {
        using var user = api.ClientFor(GatewayScript.NewLabel("json"));

        var problem = await ProblemOf(
            await user.PostAsync("/api/deposits", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        Assert.Equal([field], Fields(problem));
        Assert.Contains(says, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_reported_under_its_name()
    {
        using var user = api.ClientFor(GatewayScript.NewLabel("query"));

        var problem = await ProblemOf(await user.GetAsync("/api/deposits?page=abc"), HttpStatusCode.BadRequest);

        Assert.Equal(["page"], Fields(problem));
    }

    public static TheoryData<string, string, string?, string?, HttpStatusCode, string> PipelineAnswers => new()
    {
        // method, path, token (user/ops/none), content type, status, type
        { "GET", "/api/deposits", null, null, HttpStatusCode.Unauthorized, Problems.Unauthorized },
        { "GET", "/api/ops/deposits", "user", null, HttpStatusCode.Forbidden, Problems.Forbidden },
        { "POST", "/api/payouts", "user", "application/json", HttpStatusCode.Forbidden, Problems.Forbidden },
        { "GET", "/api/nothing-here", "user", null, HttpStatusCode.NotFound, Problems.NotFound },
        { "PUT", "/api/deposits", "user", null, HttpStatusCode.MethodNotAllowed, Problems.MethodNotAllowed },
        { "POST", "/api/deposits", "user", "text/plain", HttpStatusCode.UnsupportedMediaType, Problems.UnsupportedMediaType },
        { "POST", "/api/deposits/00000000-0000-0000-0000-000000000001/proof", "user", "application/json", HttpStatusCode.UnsupportedMediaType, Problems.UnsupportedMediaType },
    };

    [Theory]
    [MemberData(nameof(PipelineAnswers))]
    public async Task An_answer_the_pipeline_writes_itself_has_a_project_type_and_says_what_to_change(
        string method, string path, string? token, string? contentType, HttpStatusCode status, string type)
    {
        using var client = token switch
        {
            "user" => api.ClientFor(GatewayScript.NewLabel("pipeline")),
            _ => api.CreateClient(),
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is not null)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, contentType);
        }

        var problem = await ProblemOf(await client.SendAsync(request), status);

        Assert.Equal(type, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_forbidden_answer_names_the_role_the_call_needs()
    {
        using var user = api.ClientFor(GatewayScript.NewLabel("role"));

        var problem = await ProblemOf(await user.GetAsync("/api/ops/payouts"), HttpStatusCode.Forbidden);

        Assert.Contains("'ops' role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_document_shows_no_RFC_9110_problem_type_and_its_401_403_and_504_examples_carry_the_projects()
    {
        using var ops = api.ClientFor("ops", ops: true);

        var text = await ops.GetStringAsync("/openapi/v1.json");

        Assert.DoesNotContain("rfc9110", text, StringComparison.Ordinal);
        var document = JsonDocument.Parse(text).RootElement;
        var examples = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .SelectMany(operation => operation.Value.GetProperty("responses").EnumerateObject())
            .Where(response => response.Name is "401" or "403" or "504" && response.Value.GetProperty("content").TryGetProperty("application/problem+json", out _))
            .Select(response => (response.Name, Example: response.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("example")))
            .ToList();
        Assert.Contains(examples, e => e.Name == "504");
        foreach (var (status, example) in examples)
        {
            Assert.StartsWith(Problems.Base, example.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(example.GetProperty("detail").GetString()), $"{status} example without a detail");
        }
    }
}

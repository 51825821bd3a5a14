using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// The ops lists' from/to filters take any ISO-8601 offset and compare in UTC (Npgsql refuses a
/// non-zero offset for timestamptz: GET /api/ops/payouts?from=…+06:00 answered 500). One binder,
/// <see cref="QueryTime"/>, does it for every list; these tests find the lists themselves, so a new
/// one is covered the day it is added.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TimeFilterTests(MerchantApiFactory api)
{
    [Fact]
    public void No_endpoint_binds_a_time_as_DateTimeOffset_or_DateTime()
    {
        var handlers = api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<MethodInfo>()).OfType<MethodInfo>().ToList();
        Assert.NotEmpty(handlers);

        var raw = handlers.SelectMany(h => h.GetParameters().Select(p => (Handler: h, Parameter: p)))
            .Where(x => (Nullable.GetUnderlyingType(x.Parameter.ParameterType) ?? x.Parameter.ParameterType) is var type
                        && (type == typeof(DateTimeOffset) || type == typeof(DateTime)))
            .Select(x => $"{x.Handler.DeclaringType?.Name}.{x.Handler.Name}({x.Parameter.Name})")
            .ToList();

        Assert.True(raw.Count == 0, "Bind these as QueryTime (UTC), not as the client's offset: " + string.Join(", ", raw));
    }

    [Fact]
    public async Task Every_list_with_a_time_filter_answers_an_offset_sent_encoded_or_raw_and_refuses_a_non_time_with_a_400_problem()
    {
        using var ops = api.ClientFor("ops-times", ops: true);
        var lists = await ListsWithTimeFiltersAsync(ops);
        Assert.Superset(new HashSet<string> { "/api/ops/deposits", "/api/ops/postbacks", "/api/ops/payouts" }, lists.ToHashSet());

        foreach (var list in lists)
        {
            foreach (var query in new[]
                     {
                         "from=2026-12-06T00:00:00%2B06:00", "from=2026-12-06T00:00:00+06:00", "to=2026-12-06T00:00:00+06:00",
                         "from=2026-12-06T00:00:00-05:30&to=2026-12-07T00:00:00%2B14:00", "from=2026-12-06T00:00:00+0600",
                         "from=2026-12-06T00:00:00Z", "from=2026-12-06", "from=2026-12-06T00:00:00",
                     })
            {
                var answer = await ops.GetAsync($"{list}?{query}");
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{list}?{query}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }
            foreach (var query in new[] { "from=yesterday", "to=2026-13-01T00:00:00Z", "from=0001-01-01T00:00:00%2B14:00", "from=2026-12-06T25:00:00Z" })
            {
                var answer = await ops.GetAsync($"{list}?{query}");
                Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{list}?{query}: {(int)answer.StatusCode}");
                Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
                Assert.Equal(Problems.MalformedRequest, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
            }
        }
    }

    [Fact]
    public async Task A_payout_is_found_by_a_time_range_written_in_any_offset_as_the_same_instant_in_UTC()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var created = await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "ref-" + label);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var at = (await created.JsonAsync()).GetProperty("createdAt").GetDateTimeOffset();
        using var ops = api.ClientFor("ops-times", ops: true);

        async Task<int> CountAsync(string filter) =>
            (await ops.GetFromJsonAsync<JsonElement>($"/api/ops/payouts?label={label}&{filter}")).GetProperty("total").GetInt32();
        static string In(DateTimeOffset instant, TimeSpan offset) =>
            instant.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
        var dhaka = TimeSpan.FromHours(6);
        var newfoundland = new TimeSpan(-3, -30, 0);

        // A minute either side, in Thimphu's +06:00 sent encoded, raw (the '+' arrives as a space) and in -03:30.
        Assert.Equal(1, await CountAsync("from=" + Uri.EscapeDataString(In(at.AddMinutes(-1), dhaka))));
        Assert.Equal(0, await CountAsync("from=" + Uri.EscapeDataString(In(at.AddMinutes(1), dhaka))));
        Assert.Equal(1, await CountAsync("from=" + In(at.AddMinutes(-1), dhaka)));
        Assert.Equal(0, await CountAsync("from=" + In(at.AddMinutes(1), dhaka)));
        Assert.Equal(1, await CountAsync("to=" + In(at.AddMinutes(1), dhaka)));
        Assert.Equal(0, await CountAsync("to=" + In(at.AddMinutes(-1), dhaka)));
        Assert.Equal(1, await CountAsync($"from={In(at.AddMinutes(-1), newfoundland)}&to={In(at.AddMinutes(1), newfoundland)}"));
        Assert.Equal(0, await CountAsync($"from={In(at.AddMinutes(1), newfoundland)}"));
        // No offset: UTC, whatever the server's own zone.
        Assert.Equal(1, await CountAsync("from=" + at.UtcDateTime.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)));
        Assert.Equal(0, await CountAsync("from=" + at.UtcDateTime.AddMinutes(1).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("2026-12-06T00:00:00+06:00", "2026-12-05T18:00:00.0000000+00:00")]
    [InlineData("2026-12-06T00:00:00 06:00", "2026-12-05T18:00:00.0000000+00:00")]
    [InlineData("2026-12-06 00:00:00 06:00", "2026-12-05T18:00:00.0000000+00:00")]
    [InlineData("2026-12-06T00:00:00.5 0600", "2026-12-05T18:00:00.5000000+00:00")]
    [InlineData("2026-12-06T00:00:00-03:30", "2026-12-06T03:30:00.0000000+00:00")]
    [InlineData("2026-12-06T00:00:00", "2026-12-06T00:00:00.0000000+00:00")]
    [InlineData("2026-12-06 06:00", "2026-12-06T06:00:00.0000000+00:00")]
    [InlineData("2026-12-06", "2026-12-06T00:00:00.0000000+00:00")]
    public void A_time_is_read_in_its_own_offset_and_kept_in_UTC(string text, string utc)
    {
        Assert.True(QueryTime.TryParse(text, out var time));
        Assert.Equal(utc, time.ToString());
        Assert.Equal(TimeSpan.Zero, time.Utc.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-12-06T00:00:00  06:00")]
    [InlineData("2026-12-06T00:00:00Z\0")]
    [InlineData("2026-12-06T00:00:00\t+06:00")]
    [InlineData("0001-01-01T00:00:00+14:00")]
    [InlineData("9999-12-31T23:59:59-14:00")]
    public void What_is_not_a_time_in_range_is_refused(string text) => Assert.False(QueryTime.TryParse(text, out _));

    [Fact]
    public async Task The_contract_says_every_time_filter_is_a_date_time()
    {
        using var ops = api.ClientFor("ops-times", ops: true);
        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var filters = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().SelectMany(operation => operation.Value.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("name").GetString() is "from" or "to" && !IsDay(p))
                    .Select(p => (Where: $"{path.Name} {p.GetProperty("name").GetString()}", Schema: p.GetProperty("schema")))
                : []))
            .ToList();

        Assert.True(filters.Count >= 6, $"only {filters.Count} time filters");
        Assert.All(filters, f => Assert.True(
            f.Schema.TryGetProperty("format", out var format) && format.GetString() == "date-time" && f.Schema.GetProperty("type").GetString() == "string",
            $"{f.Where}: {f.Schema}"));
    }

    /// <summary>
    /// A filter of whole days (the reconciliation's <c>yyyy-MM-dd</c>, days of Ops:ReportTimeZone), declared
    /// as <c>format: date</c>: not an instant, so not this binder's.
    /// </summary>
    private static bool IsDay(JsonElement parameter) =>
        parameter.TryGetProperty("schema", out var schema) && schema.TryGetProperty("format", out var format) && format.GetString() == "date";

    /// <summary>Every GET operation of the contract with a <c>from</c> query parameter that is an instant.</summary>
    private static async Task<List<string>> ListsWithTimeFiltersAsync(HttpClient ops)
    {
        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        return document.GetProperty("paths").EnumerateObject()
            .Where(path => path.Value.TryGetProperty("get", out var get) && get.TryGetProperty("parameters", out var parameters)
                           && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "from" && p.GetProperty("in").GetString() == "query"
                                                                   && !IsDay(p)))
            .Select(path => path.Name)
            .ToList();
    }
}

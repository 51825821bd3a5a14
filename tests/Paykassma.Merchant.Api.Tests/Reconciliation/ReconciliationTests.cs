using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.PluginApi;
using static Paykassma.Merchant.Api.Tests.Reconciliation.ReconciliationSeed;

namespace Paykassma.Merchant.Api.Tests.Reconciliation;

/// <summary>
/// The daily reconciliation: per day of +08:00 and currency, totals of the signed transactions (and,
/// labelled apart, our own unsettled payouts), as JSON or CSV. Each test owns its days.
/// </summary>
[Collection(ReconciliationCollection.Name)]
public sealed partial class ReconciliationTests(ReconciliationApiFactory api)
{
    [Fact]
    public async Task A_seeded_day_adds_up_exactly_from_the_signed_transactions_in_JSON()
    {
        await SeedMarch14Async();

        var report = await ReportAsync("2031-03-14", "2031-03-14");

        Assert.Equal("+08:00", report.GetProperty("timeZone").GetString());
        var day = Assert.Single(report.GetProperty("days").EnumerateArray());
        Assert.Equal(DateTimeOffset.Parse("2031-03-13T16:00:00Z"), day.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse("2031-03-14T16:00:00Z"), day.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(["BTN", "USD"], day.GetProperty("currencies").EnumerateArray().Select(c => c.GetProperty("currency").GetString()));

        var btn = Currency(day, "BTN");
        // 250 (real postback) + 500 (stored two days late) + 123.45 (no signed date) + 100 (second transfer of a deposit begun the day before).
        Assert.Equal((4, 973.45m), Of(btn.GetProperty("signed").GetProperty("depositsConfirmed")));
        Assert.Equal((1, 1020m), Of(btn.GetProperty("signed").GetProperty("payoutsPaid")));
        Assert.Equal((1, 700m), Of(btn.GetProperty("signed").GetProperty("payoutsCancelled")));
        var differs = btn.GetProperty("depositsAmountDiffers");
        Assert.Equal(1, differs.GetProperty("count").GetInt64());
        Assert.Equal(300m, differs.GetProperty("askedTotal").GetDecimal());
        Assert.Equal(250m, differs.GetProperty("paidTotal").GetDecimal());
        Assert.Equal((1, 900m), Of(btn.GetProperty("notSigned").GetProperty("payoutsRefused")));
        Assert.Equal((2, 61500m), Of(btn.GetProperty("notSigned").GetProperty("payoutsPending")));

        var usd = Currency(day, "USD");
        Assert.Equal((3, 100m), Of(usd.GetProperty("signed").GetProperty("depositsConfirmed")));
        Assert.Equal((0, 0m), Of(usd.GetProperty("signed").GetProperty("payoutsPaid")));
        Assert.Equal(1, usd.GetProperty("depositsAmountDiffers").GetProperty("count").GetInt64());
        Assert.Equal(100m, usd.GetProperty("depositsAmountDiffers").GetProperty("askedTotal").GetDecimal());
        Assert.Equal(60m, usd.GetProperty("depositsAmountDiffers").GetProperty("paidTotal").GetDecimal());

        Assert.Equal(
            ["BTN no_matching_proof 1 500", "BTN payout_already_settled 1 700", "USD currency_mismatch 1 30", "- no_currency 1 10"],
            day.GetProperty("unapplied").EnumerateArray().Select(u =>
                $"{u.GetProperty("currency").GetString() ?? "-"} {u.GetProperty("reason").GetString()} {u.GetProperty("count").GetInt64()} {u.GetProperty("total").GetDecimal()}"));
        Assert.Equal(["deposit.confirmed 1", "payout.paid 1"],
            day.GetProperty("undeliveredEvents").EnumerateArray().Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("count").GetInt64()}"));
    }

    [Fact]
    public async Task The_same_day_as_CSV_is_one_row_per_currency_and_measure_with_two_decimals_and_CRLF()
    {
        await SeedMarch14Async();

        var csv = await CsvAsync("2031-03-14", "2031-03-14");

        Assert.Equal(
            "date,currency,measure,detail,signed,count,amount\r\n" +
            "2031-03-14,BTN,deposits_confirmed,,yes,4,973.45\r\n" +
            "2031-03-14,BTN,deposits_amount_differs_asked,,no,1,300.00\r\n" +
            "2031-03-14,BTN,deposits_amount_differs_paid,,yes,1,250.00\r\n" +
            "2031-03-14,BTN,payouts_paid,,yes,1,1020.00\r\n" +
            "2031-03-14,BTN,payouts_cancelled,,yes,1,700.00\r\n" +
            "2031-03-14,BTN,payouts_refused,,no,1,900.00\r\n" +
            "2031-03-14,BTN,payouts_pending,,no,2,61500.00\r\n" +
            "2031-03-14,USD,deposits_confirmed,,yes,3,100.00\r\n" +
            "2031-03-14,USD,deposits_amount_differs_asked,,no,1,100.00\r\n" +
            "2031-03-14,USD,deposits_amount_differs_paid,,yes,1,60.00\r\n" +
            "2031-03-14,USD,payouts_paid,,yes,0,0.00\r\n" +
            "2031-03-14,USD,payouts_cancelled,,yes,0,0.00\r\n" +
            "2031-03-14,USD,payouts_refused,,no,0,0.00\r\n" +
            "2031-03-14,USD,payouts_pending,,no,0,0.00\r\n" +
            "2031-03-14,BTN,unapplied,no_matching_proof,yes,1,500.00\r\n" +
            "2031-03-14,BTN,unapplied,payout_already_settled,yes,1,700.00\r\n" +
            "2031-03-14,USD,unapplied,currency_mismatch,yes,1,30.00\r\n" +
            "2031-03-14,,unapplied,no_currency,yes,1,10.00\r\n" +
            "2031-03-14,,events_undelivered,deposit.confirmed,no,1,\r\n" +
            "2031-03-14,,events_undelivered,payout.paid,no,1,\r\n",
            csv);
    }

    [Fact]
    public async Task A_deposit_belongs_to_the_day_of_its_first_transfer_and_a_payout_to_the_day_it_settled()
    {
        await SeedMarch14Async();

        var report = await ReportAsync("2031-03-13", "2031-03-15");

        var before = Currency(Day(report, "2031-03-13"), "BTN");
        Assert.Equal((1, 150m), Of(before.GetProperty("signed").GetProperty("depositsConfirmed")));
        Assert.Equal(1, before.GetProperty("depositsAmountDiffers").GetProperty("count").GetInt64());
        Assert.Equal(200m, before.GetProperty("depositsAmountDiffers").GetProperty("askedTotal").GetDecimal());
        Assert.Equal(250m, before.GetProperty("depositsAmountDiffers").GetProperty("paidTotal").GetDecimal());
        Assert.Equal((1, 333m), Of(before.GetProperty("notSigned").GetProperty("payoutsPending")));
        var after = Day(report, "2031-03-15");
        Assert.Equal((1, 800m), Of(Currency(after, "BTN").GetProperty("signed").GetProperty("payoutsPaid")));
        var undelivered = Assert.Single(after.GetProperty("undeliveredEvents").EnumerateArray());
        Assert.Equal("payout.sent", undelivered.GetProperty("type").GetString());
        // Its interim status on the 14th is a report, not a settlement: there, only the payout settled that day counts.
        Assert.Equal((1, 1020m), Of(Currency(Day(report, "2031-03-14"), "BTN").GetProperty("signed").GetProperty("payoutsPaid")));
    }

    [Fact]
    public async Task An_item_at_23_59_and_one_at_00_01_local_time_fall_on_different_days()
    {
        await PaidDepositAsync("301", "2031-04-20 23:59:00");
        await PaidDepositAsync("302", "2031-04-21 00:01:00");
        await _seed.EventAsync("payout.failed", "failed", Local("2031-04-20 23:59"));
        await _seed.EventAsync("payout.refused", "failed", Local("2031-04-21 00:01"));
        await _seed.PayoutAsync("queued", 41, Local("2031-04-20 23:59"));
        await _seed.PayoutAsync("queued", 42, Local("2031-04-21 00:01"));

        var report = await ReportAsync("2031-04-20", "2031-04-21");

        var (first, second) = (Day(report, "2031-04-20"), Day(report, "2031-04-21"));
        Assert.Equal(DateTimeOffset.Parse("2031-04-20T16:00:00Z"), first.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(first.GetProperty("endsAt").GetDateTimeOffset(), second.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal((1, 301m), Of(Currency(first, "BTN").GetProperty("signed").GetProperty("depositsConfirmed")));
        Assert.Equal((1, 302m), Of(Currency(second, "BTN").GetProperty("signed").GetProperty("depositsConfirmed")));
        Assert.Equal((1, 41m), Of(Currency(first, "BTN").GetProperty("notSigned").GetProperty("payoutsPending")));
        Assert.Equal((1, 42m), Of(Currency(second, "BTN").GetProperty("notSigned").GetProperty("payoutsPending")));
        Assert.Equal("payout.failed", Assert.Single(first.GetProperty("undeliveredEvents").EnumerateArray()).GetProperty("type").GetString());
        Assert.Equal("payout.refused", Assert.Single(second.GetProperty("undeliveredEvents").EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_quiet_day_is_listed_with_zeros_in_the_configured_currency()
    {
        var report = await ReportAsync("2031-06-01", "2031-06-03");

        Assert.Equal(["2031-06-01", "2031-06-02", "2031-06-03"], report.GetProperty("days").EnumerateArray().Select(d => d.GetProperty("date").GetString()));
        foreach (var day in report.GetProperty("days").EnumerateArray())
        {
            var btn = Assert.Single(day.GetProperty("currencies").EnumerateArray());
            Assert.Equal("BTN", btn.GetProperty("currency").GetString());
            Assert.Equal((0, 0m), Of(btn.GetProperty("signed").GetProperty("depositsConfirmed")));
            Assert.Empty(day.GetProperty("unapplied").EnumerateArray());
        }
        var csv = await CsvAsync("2031-06-01", "2031-06-01");
        Assert.StartsWith("date,currency,measure,detail,signed,count,amount\r\n2031-06-01,BTN,deposits_confirmed,,yes,0,0.00\r\n", csv);
        Assert.Equal(8, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("text/csv", true)]
    [InlineData("text/csv; charset=utf-8", true)]
    [InlineData("application/json, text/csv", true)]
    [InlineData("application/json, text/csv;q=0.5", false)]
    [InlineData("text/csv;q=0", false)]
    [InlineData("*/*", false)]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false)]
    [InlineData("", false)]
    [InlineData("text/csv;;;===", false)]
    public async Task Csv_is_answered_when_Accept_prefers_it_and_JSON_otherwise(string accept, bool csv)
    {
        using var ops = Ops();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ops/reconciliation?from=2031-06-01");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        var response = await ops.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(csv ? "text/csv" : "application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("", "from")]
    [InlineData("?to=2031-06-01", "from")]
    [InlineData("?from=2031-6-1", "from")]
    [InlineData("?from=01.06.2031", "from")]
    [InlineData("?from=2031-06-01T00:00:00Z", "from")]
    [InlineData("?from=2031-02-30", "from")]
    [InlineData("?from=0001-01-01", "from")]
    [InlineData("?from=9999-12-31", "from")]
    [InlineData("?from=2031-06-01%00", "from")]
    [InlineData("?from=2031-06-02&to=2031-06-01", "to")]
    [InlineData("?from=2031-01-01&to=2031-04-03", "to")]
    [InlineData("?from=2031-06-01&to=tomorrow", "to")]
    public async Task Bad_dates_are_a_400_validation_problem_naming_the_parameter(string query, string parameter)
    {
        using var ops = Ops();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ops/reconciliation" + query);
        request.Headers.Accept.ParseAdd("text/csv");

        var response = await ops.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://paykassma-merchant.local/problems/validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task Ninety_two_days_are_one_report()
    {
        var report = await ReportAsync("2031-01-01", "2031-04-02");

        Assert.Equal(92, report.GetProperty("days").GetArrayLength());
    }

    [Fact]
    public async Task Only_ops_may_read_the_report()
    {
        const string path = "/api/ops/reconciliation?from=2031-06-01";
        using var anonymous = api.CreateClient();
        using var user = api.ClientFor(GatewayScript.NewLabel());
        using var backOffice = api.BackOfficeClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await backOffice.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_offers_JSON_and_CSV_for_the_report_each_with_an_example()
    {
        using var ops = Ops();

        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operation = document.GetProperty("paths").GetProperty("/api/ops/reconciliation").GetProperty("get");
        var ok = operation.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(ok.TryGetProperty("text/csv", out _), operation.ToString());
        Assert.Equal("#/components/schemas/ReconciliationReport", ok.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.StartsWith("{", ok.GetProperty("application/json").GetProperty("example").GetRawText());
        Assert.Equal("string", ok.GetProperty("text/csv").GetProperty("schema").GetProperty("type").GetString());
        Assert.StartsWith("date,currency,measure,detail,signed,count,amount\r\n", ok.GetProperty("text/csv").GetProperty("example").GetString());
        Assert.True(operation.GetProperty("responses").TryGetProperty("400", out _));
        var parameters = operation.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(["from", "to"], parameters.Keys.Order());
        Assert.True(parameters["from"].GetProperty("required").GetBoolean());
        Assert.Equal("date", parameters["to"].GetProperty("schema").GetProperty("format").GetString());
    }

    [Theory]
    [InlineData("BTN", "BTN")]
    [InlineData("", "")]
    [InlineData("A,B", "\"A,B\"")]
    [InlineData("A\"B", "\"A\"\"B\"")]
    [InlineData("A\r\nB", "\"A\r\nB\"")]
    [InlineData("=1+", "'=1+")]
    [InlineData("@SUM", "'@SUM")]
    [InlineData("-2,", "\"'-2,\"")]
    public void A_signed_text_field_is_quoted_as_RFC_4180_says_and_never_becomes_a_spreadsheet_formula(string value, string written)
    {
        Assert.Equal(written, Paykassma.Merchant.Api.Reconciliation.ReconciliationCsv.Field(value));
    }

    [Theory]
    [InlineData("+08:00", "2031-03-14", "2031-03-13T16:00:00Z")]
    [InlineData("-05:00", "2031-03-14", "2031-03-14T05:00:00Z")]
    [InlineData("+00:00", "2031-03-14", "2031-03-14T00:00:00Z")]
    public void A_day_starts_at_local_midnight_of_the_report_zone(string zone, string day, string utc)
    {
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture),
            GatewayTimeZone.Parse(zone).StartOfDay(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));
    }
}

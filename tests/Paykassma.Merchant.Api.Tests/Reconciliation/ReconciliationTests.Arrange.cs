using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using static Paykassma.Merchant.Api.Tests.Reconciliation.ReconciliationSeed;

namespace Paykassma.Merchant.Api.Tests.Reconciliation;

/// <summary>A service on a database of its own: the report adds up every row of a day, so no other test may write one.</summary>
public sealed class ReconciliationApiFactory : MerchantApiFactory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> _seeded = new();

    /// <summary>Seeds a set of days once for every test that reads them (each test class instance is new).</summary>
    public Task SeedOnceAsync(string days, Func<Task> seed) => _seeded.GetOrAdd(days, _ => new Lazy<Task>(seed)).Value;
}

[CollectionDefinition(Name)]
public sealed class ReconciliationCollection : ICollectionFixture<ReconciliationApiFactory>
{
    public const string Name = "reconciliation";
}

/// <summary>ReconciliationTests' calls and the seeded days they read.</summary>
public sealed partial class ReconciliationTests
{
    private readonly ReconciliationSeed _seed = new(api);

    private HttpClient Ops() => api.ClientFor("finance-ops", ops: true);

    private async Task<JsonElement> ReportAsync(string from, string to)
    {
        using var ops = Ops();
        var response = await ops.GetAsync($"/api/ops/reconciliation?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string> CsvAsync(string from, string to)
    {
        using var ops = Ops();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/ops/reconciliation?from={from}&to={to}");
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await ops.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"reconciliation-{from}-{to}.csv", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Contains("Accept", response.Headers.Vary);
        return await response.Content.ReadAsStringAsync();
    }

    private static JsonElement Day(JsonElement report, string date) =>
        report.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("date").GetString() == date);

    private static JsonElement Currency(JsonElement day, string code) =>
        day.GetProperty("currencies").EnumerateArray().Single(c => c.GetProperty("currency").GetString() == code);

    private static (long Count, decimal Total) Of(JsonElement measure) =>
        (measure.GetProperty("count").GetInt64(), measure.GetProperty("total").GetDecimal());

    /// <summary>A deposit asked at 300 and paid, through the real postback endpoint, with what the gateway signed.</summary>
    private async Task<Guid> PaidDepositAsync(string amount, string activated)
    {
        var label = GatewayScript.NewLabel("recon");
        var (depositId, customId) = await api.ForwardedProofAsync(label, claimed: 300);
        using var gateway = api.CreateClient();
        var response = await gateway.PostAsync(TestPostbacks.Body(
            [TestPostbacks.Item(TestPostbacks.NewTransactionId(), customId, amount, activated: activated)], label));
        Assert.Equal("ok", await TestPostbacks.StatusOf(response));
        return depositId;
    }

    /// <summary>A payout of 1020 sent through the API and settled by the real postback endpoint: an interim status, then paid.</summary>
    private async Task<Guid> PaidPayoutAsync(string interimAt, string paidAt)
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "recon-" + label)).JsonAsync();
        Assert.Equal("sent", payout.GetProperty("status").GetString());
        var withdrawalId = payout.GetProperty("withdrawalId").GetString()!;
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        foreach (var (status, at) in new[] { (3, interimAt), (1, paidAt) })
        {
            var item = TestPostbacks.PayoutItem(transactionId, withdrawalId, status, "1020.00");
            item["activated_datetime"] = at;
            Assert.Equal("ok", await TestPostbacks.StatusOf(await gateway.PostAsync(TestPostbacks.Body([item], direction: "outgoing"))));
        }
        var id = payout.GetProperty("id").GetGuid();
        Assert.Equal("paid", await api.ScalarAsync<string>("SELECT status FROM payouts WHERE id = @id", ("id", id)));
        return id;
    }

    /// <summary>
    /// 2031-03-14 (+08:00): deposits in BTN and USD (one BTN and one USD paid other than asked, one paid in two
    /// transfers), payouts paid and cancelled after interim statuses, refused and pending ones, unapplied items
    /// and undelivered events; and rows on the days around it that must not count.
    /// </summary>
    private Task SeedMarch14Async() => api.SeedOnceAsync("2031-03-13..15", SeedMarch14OnceAsync);

    private async Task SeedMarch14OnceAsync()
    {
        const string day = "2031-03-14";
        await PaidDepositAsync("250", $"{day} 10:00:00");                                       // BTN asked 300, paid 250
        await PaidPayoutAsync($"{day} 11:00:00", $"{day} 12:00:00");                            // BTN paid 1020

        var late = await _seed.DepositAsync("BTN", 500, 500, Local($"{day} 09:00"));
        await _seed.DepositFactAsync(late, "BTN", 500, Local($"{day} 09:00"), storedAt: Local("2031-03-16 08:00"));  // delivered two days late
        var undated = await _seed.DepositAsync("BTN", null, 123.45m, Local($"{day} 15:00"));
        await _seed.DepositFactAsync(undated, "BTN", 123.45m, activatedAt: null, storedAt: Local($"{day} 15:00"));   // no ask, no signed date
        var twoTransfers = await _seed.DepositAsync("USD", 40, 40, Local($"{day} 08:00"));
        await _seed.DepositFactAsync(twoTransfers, "USD", 15, Local($"{day} 08:00"));
        await _seed.DepositFactAsync(twoTransfers, "USD", 25, Local($"{day} 20:00"));
        var short60 = await _seed.DepositAsync("USD", 100, 60, Local($"{day} 13:00"));
        await _seed.DepositFactAsync(short60, "USD", 60, Local($"{day} 13:00"));
        var startedTheDayBefore = await _seed.DepositAsync("BTN", 200, 250, Local("2031-03-13 22:00"));
        await _seed.DepositFactAsync(startedTheDayBefore, "BTN", 150, Local("2031-03-13 22:00"));
        await _seed.DepositFactAsync(startedTheDayBefore, "BTN", 100, Local($"{day} 06:00"));

        var cancelled = await _seed.PayoutAsync("cancelled", 700, Local($"{day} 07:00"));
        await _seed.WithdrawalFactAsync(cancelled, 0, 700, activatedAt: null, storedAt: Local($"{day} 07:30"));
        await _seed.WithdrawalFactAsync(cancelled, 5, 700, Local($"{day} 13:00"));
        await _seed.WithdrawalFactAsync(cancelled, 4, 700, Local($"{day} 14:00"), reason: "payout_already_settled");
        var paidNextDay = await _seed.PayoutAsync("paid", 800, Local($"{day} 07:00"));
        await _seed.WithdrawalFactAsync(paidNextDay, 4, 800, Local($"{day} 21:00"));
        await _seed.WithdrawalFactAsync(paidNextDay, 1, 800, Local("2031-03-15 03:00"));
        await _seed.PayoutAsync("refused", 900, Local($"{day} 10:00"));
        await _seed.PayoutAsync("sent", 1500, Local($"{day} 11:00"));
        await _seed.PayoutAsync("awaiting_approval", 60000, Local($"{day} 23:30"));
        await _seed.PayoutAsync("rejected", 5000, Local($"{day} 12:00"));
        await _seed.PayoutAsync("sent", 333, Local("2031-03-13 23:00"));

        await _seed.DepositFactAsync(null, "BTN", 500, Local($"{day} 16:00"), reason: "no_matching_proof");
        await _seed.DepositFactAsync(null, "USD", 30, Local($"{day} 17:00"), reason: "currency_mismatch");
        await _seed.DepositFactAsync(null, null, 10, Local($"{day} 18:00"), reason: "no_currency");

        await _seed.EventAsync("payout.paid", "failed", Local($"{day} 12:00"));
        await _seed.EventAsync("deposit.confirmed", "pending", Local($"{day} 10:00"));
        await _seed.EventAsync("deposit.confirmed", "delivered", Local($"{day} 10:00"));
        await _seed.EventAsync("payout.sent", "failed", Local("2031-03-15 00:30"));
    }
}

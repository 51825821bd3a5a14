using System.Net;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Events;

/// <summary>At least once, until a 2xx: every other answer is a failure, retried under the same webhook-id, and the give-up is visible.</summary>
public sealed class EventRetryTests
{
    private static async Task<(EventsApiFactory Api, Guid DepositId)> ConfirmedDepositAsync(int ledgerStatus, TimeSpan? delay = null, int maxAttempts = 3)
    {
        var api = new EventsApiFactory();
        api.With("Events:Dispatcher:MaxAttempts", maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await api.InitializeAsync();
        api.Gateway.AnswersLedger(ledgerStatus, delay);
        var label = GatewayScript.NewLabel("retry");
        var (depositId, customId) = await api.ForwardedProofAsync(label);
        using var gateway = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", label))).StatusCode);
        return (api, depositId);
    }

    private static Task<string?> StatusAsync(MerchantApiFactory api, Guid depositId) =>
        api.ScalarAsync<string>("SELECT status FROM outbox_events WHERE subject_id = @d AND type = 'deposit.confirmed'", ("d", depositId));

    [Theory]
    [InlineData(500, null)]
    [InlineData(302, null)]
    [InlineData(404, null)]
    [InlineData(200, 2500)] // slower than Events:Timeout (1 s): a timeout
    public async Task A_failing_ledger_gets_the_event_again_under_the_same_id_until_it_answers_2xx(int status, int? delayMs)
    {
        var (api, depositId) = await ConfirmedDepositAsync(status, delayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, maxAttempts: 50);
        await using var _ = api;
        await Eventually.WaitForAsync(() => Task.FromResult(api.Gateway.DeliveriesAbout(depositId).Count), n => n >= 2);
        Assert.NotEqual("delivered", await StatusAsync(api, depositId));

        api.Gateway.AnswersLedger(200);
        var status2 = await Eventually.WaitForAsync(() => StatusAsync(api, depositId), s => s == "delivered");

        Assert.Equal("delivered", status2);
        var deliveries = api.Gateway.DeliveriesAbout(depositId);
        Assert.Single(deliveries.Select(d => d.WebhookId).Distinct());
        Assert.Equal(200, deliveries[^1].Status);
        var error = await api.ScalarAsync<string>("SELECT coalesce(last_error, '') FROM outbox_events WHERE subject_id = @d", ("d", depositId));
        Assert.Equal("", error);
    }

    [Fact]
    public async Task After_the_attempt_limit_the_event_is_failed_listed_for_ops_and_counted()
    {
        var (api, depositId) = await ConfirmedDepositAsync(503);
        await using var _ = api;

        var status = await Eventually.WaitForAsync(() => StatusAsync(api, depositId), s => s == "failed");

        Assert.Equal("failed", status);
        Assert.Equal(3, await api.ScalarAsync<int>("SELECT attempts FROM outbox_events WHERE subject_id = @d", ("d", depositId)));
        Assert.Equal("http_503", await api.ScalarAsync<string>("SELECT last_error FROM outbox_events WHERE subject_id = @d", ("d", depositId)));
        using var ops = api.ClientFor("ops", ops: true);
        var failed = await (await ops.GetAsync("/api/ops/events?status=failed")).JsonAsync();
        Assert.Contains(failed.GetProperty("items").EnumerateArray(), e => e.GetProperty("subjectId").GetGuid() == depositId);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Message.Contains("deposit.confirmed", StringComparison.Ordinal));
        var metrics = await api.CreateClient().GetStringAsync("/metrics");
        Assert.Matches(@"paykassma_events_deliveries_total\{[^}]*result=""failed""[^}]*\} [1-9]", metrics);
        Assert.DoesNotContain(LedgerScript.Secret, api.AllLogText(), StringComparison.Ordinal);
        Assert.DoesNotContain(LedgerScript.Secret, metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_instances_on_one_database_deliver_each_event_once()
    {
        var first = new EventsApiFactory();
        await first.InitializeAsync();
        await using var _ = first;
        await using var second = new EventsApiFactory();
        second.With("ConnectionStrings:Merchant", first.ConnectionString).With("Events:WebhookUrl", first.Gateway.Url + LedgerScript.Path);
        first.Gateway.AnswersLedger(200, TimeSpan.FromMilliseconds(150));
        second.CreateClient().Dispose(); // starts its dispatcher on the shared database

        var deposits = new List<Guid>();
        using var gateway = first.CreateClient();
        for (var i = 0; i < 12; i++)
        {
            var label = GatewayScript.NewLabel("pair");
            var (depositId, customId) = await first.ForwardedProofAsync(label);
            await gateway.PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", label));
            deposits.Add(depositId);
        }
        await Eventually.WaitForAsync(
            () => first.ScalarAsync<long>("SELECT count(*) FROM outbox_events WHERE status = 'delivered'"), n => n >= deposits.Count);
        await Task.Delay(500);

        var deliveries = first.Gateway.Deliveries();
        Assert.Equal(deposits.Count, deliveries.Count);
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.WebhookId).Distinct().Count());
    }
}

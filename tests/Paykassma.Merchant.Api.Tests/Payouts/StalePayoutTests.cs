using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>
/// A payout the gateway took but never settled within Payouts:SettlementDeadline surfaces: listed for
/// ops, counted by a gauge, logged once at Warning however many watches run.
/// </summary>
public sealed partial class StalePayoutTests
{
    private const int StaleLogEvent = 8101;

    /// <summary>
    /// Long enough that creating the two payouts and looking once still falls within it on a loaded
    /// machine (2 s did not: the payout was already stale at the first look).
    /// </summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_payout_sent_past_the_deadline_is_listed_counted_and_logged_once()
    {
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("Payouts:SettlementDeadline", Deadline.ToString("c", System.Globalization.CultureInfo.InvariantCulture))
            .With("Payouts:StaleCheckInterval", "00:00:00.200")
            .With("Metrics:SampleInterval", "00:00:00.200");
        var late = PayoutScript.NewLabel();
        var refused = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(late, PayoutScript.Ok);
        api.Gateway.AnswersWithdrawal(refused, """{"status":"fail","message":"Insufficient balance"}""");
        using var backOffice = api.BackOfficeClient();
        var sent = await (await backOffice.CreateAsync(PayoutScript.Body(late), "late-" + late)).JsonAsync();
        var notSent = await (await backOffice.CreateAsync(PayoutScript.Body(refused), "refused-" + refused)).JsonAsync();
        var id = sent.GetProperty("id").GetGuid();
        Assert.Equal(("sent", "refused"), (sent.GetProperty("status").GetString(), notSent.GetProperty("status").GetString()));
        using var ops = api.OpsClient("ops-watch");

        // Within the deadline: not stale.
        var early = await ops.GetFromJsonAsync<JsonElement>("/api/ops/payouts?stale=true");
        Assert.Equal(0, early.GetProperty("total").GetInt32());

        // Past it (counted from when the payout was sent, not from a pause), as many watches as there are
        // instances race to mark it (the service's own watch among them).
        var pastDeadline = sent.GetProperty("sentAt").GetDateTimeOffset() + Deadline + TimeSpan.FromMilliseconds(200) - DateTimeOffset.UtcNow;
        if (pastDeadline > TimeSpan.Zero)
        {
            await Task.Delay(pastDeadline);
        }
        var watch = api.Services.GetRequiredService<StalePayoutWatch>();
        var marked = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => watch.MarkStaleAsync(CancellationToken.None)));
        var listed = await Eventually.WaitForAsync(
            () => ops.GetFromJsonAsync<JsonElement>("/api/ops/payouts?stale=true"), page => page.GetProperty("total").GetInt32() == 1);
        var detail = await Eventually.WaitForAsync(
            () => ops.GetFromJsonAsync<JsonElement>($"/api/ops/payouts/{id}"),
            d => d.GetProperty("payout").GetProperty("staleSince").ValueKind != JsonValueKind.Null);
        var gauge = await Eventually.WaitForAsync(() => api.CreateClient().GetStringAsync("/metrics"),
            text => StaleGauge().IsMatch(text));
        await Task.Delay(600); // a few more rounds of the service's own watch: none may log it again

        Assert.True(marked.Sum(m => m.Count(p => p.Id == id)) <= 1);
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.NotEqual(JsonValueKind.Null, detail.GetProperty("payout").GetProperty("staleSince").ValueKind);
        Assert.Matches(StaleGauge(), gauge);
        var notStale = await ops.GetFromJsonAsync<JsonElement>("/api/ops/payouts?stale=false");
        Assert.Equal(notSent.GetProperty("id").GetGuid(), Assert.Single(notStale.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var lines = api.Logs.GetSnapshot().Where(r => r.Id.Id == StaleLogEvent).ToList();
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains(id.ToString(), line.Message, StringComparison.Ordinal);
        Assert.Contains(sent.GetProperty("withdrawalId").GetString()!, line.Message, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?m)^paykassma_payouts_stale(\{[^}]*\})? 1(\.0)?( |$)")]
    private static partial System.Text.RegularExpressions.Regex StaleGauge();
}

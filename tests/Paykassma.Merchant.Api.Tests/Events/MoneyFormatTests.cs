using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Events;

/// <summary>
/// Money is written one way, in answers and in the events for the ledger: a JSON number without
/// trailing zeros (300, 300.5), never the 300.00 of a numeric(20,2) column (a webhook wrote 300.00 in
/// one field and 300 in the next). A settled amount exists only for money that was settled.
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class MoneyFormatTests(PayoutApiFactory api)
{
    /// <summary>The event's data exactly as stored and sent to the ledger.</summary>
    private async Task<JsonElement> EventDataAsync(Guid subject, string type)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT data::text FROM outbox_events WHERE subject_id = @s AND type = @t", connection);
        command.Parameters.AddWithValue("s", subject);
        command.Parameters.AddWithValue("t", type);
        var text = (string?)await command.ExecuteScalarAsync();
        Assert.True(text is not null, $"no {type} event for {subject}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<(Guid Id, string WithdrawalId)> SentPayoutAsync(string label)
    {
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "money-" + label)).JsonAsync();
        return (payout.GetProperty("id").GetGuid(), payout.GetProperty("withdrawalId").GetString()!);
    }

    private async Task SettleAsync(string withdrawalId, int status, string amount)
    {
        var body = TestPostbacks.Body([TestPostbacks.PayoutItem(TestPostbacks.NewTransactionId(), withdrawalId, status, amount)], direction: "outgoing");
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().PostAsync(body)).StatusCode);
    }

    [Fact]
    public async Task A_confirmed_deposit_writes_its_amount_the_same_way_in_the_answer_and_in_the_event()
    {
        var label = GatewayScript.NewLabel("money");
        var (depositId, customId) = await api.ForwardedProofAsync(label);
        Assert.Equal(HttpStatusCode.OK,
            (await api.CreateClient().PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300.50", label))).StatusCode);
        using var user = api.ClientFor(label);

        var answer = await user.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}");
        var confirmed = await EventDataAsync(depositId, "deposit.confirmed");

        Assert.Equal("300.5", answer.GetProperty("confirmedAmount").GetRawText());
        Assert.Equal("300.5", confirmed.GetProperty("amount").GetRawText());
        Assert.Equal("300", confirmed.GetProperty("requestedAmount").GetRawText());
    }

    [Fact]
    public async Task A_paid_payout_writes_its_settled_amount_without_trailing_zeros_in_the_answer_and_in_the_event()
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());

        await SettleAsync(withdrawalId, 1, "1020.00");
        var answer = await (await api.BackOfficeClient().GetAsync($"/api/payouts/{id}")).JsonAsync();
        var paid = await EventDataAsync(id, "payout.paid");

        Assert.Equal("1020", answer.GetProperty("settledAmount").GetRawText());
        Assert.Equal("1020", paid.GetProperty("settledAmount").GetRawText());
        Assert.Equal("1020", paid.GetProperty("amount").GetRawText());
    }

    [Fact]
    public async Task A_cancelled_payout_has_no_settled_amount_and_its_signed_amount_stays_with_its_transaction()
    {
        var (id, withdrawalId) = await SentPayoutAsync(PayoutScript.NewLabel());

        await SettleAsync(withdrawalId, 5, "1020.00");
        var answer = await (await api.BackOfficeClient().GetAsync($"/api/payouts/{id}")).JsonAsync();
        var ops = await (await api.OpsClient("money-ops").GetAsync($"/api/ops/payouts/{id}")).JsonAsync();
        var cancelled = await EventDataAsync(id, "payout.cancelled");

        Assert.Equal("cancelled", answer.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("settledAmount").ValueKind);
        Assert.Equal(JsonValueKind.Null, ops.GetProperty("payout").GetProperty("settledAmount").ValueKind);
        Assert.Equal(JsonValueKind.Null, cancelled.GetProperty("settledAmount").ValueKind);
        Assert.Equal(1020m, Assert.Single(ops.GetProperty("transactions").EnumerateArray()).GetProperty("amount").GetDecimal());
    }
}

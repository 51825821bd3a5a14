using System.Net;
using System.Text.Json.Nodes;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>
/// A withdrawal is reported more than once (interim statuses, then a final one, with the same
/// transaction id or none): each signed (withdrawal_id, withdrawal_status) is a fact of its own,
/// applied in arrival order; the payout settles on the final one, whatever came before.
/// </summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutStatusSequenceTests(PayoutApiFactory api)
{
    private async Task<(Guid Id, string WithdrawalId)> SentPayoutAsync()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "seq-" + label)).JsonAsync();
        Assert.Equal("sent", payout.GetProperty("status").GetString());
        return (payout.GetProperty("id").GetGuid(), payout.GetProperty("withdrawalId").GetString()!);
    }

    private static JsonObject Report(string withdrawalId, int status, string? transactionId, string amount = "1020.00")
    {
        var item = TestPostbacks.PayoutItem(transactionId ?? "unused", withdrawalId, status, amount);
        item["transaction_id"] = transactionId;
        return item;
    }

    private async Task PostAsync(params JsonObject[] items)
    {
        var response = await api.CreateClient().PostAsync(TestPostbacks.Body(items, direction: "outgoing"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await TestPostbacks.StatusOf(response));
    }

    private Task<string?> Payout(Guid id, string column) =>
        api.ScalarAsync<string>($"SELECT {column}::text FROM payouts WHERE id = @id", ("id", id));

    private Task<string?> FactAsync(string withdrawalId, int status) => api.ScalarAsync<string>(
        "SELECT coalesce(unapplied_reason, 'applied') FROM gateway_transactions WHERE withdrawal_id = @w AND withdrawal_status = @s",
        ("w", withdrawalId), ("s", status));

    private Task<long> EventsAsync(Guid id, string type) => api.ScalarAsync<long>(
        "SELECT count(*) FROM outbox_events WHERE subject_id = @id AND type = @t", ("id", id), ("t", type));

    [Theory]
    [InlineData(0, 1, "paid")]
    [InlineData(3, 6, "cancelled")]
    [InlineData(4, 1, "paid")]
    public async Task An_interim_status_then_the_final_one_with_the_same_transaction_id_settles_the_payout(int interim, int final, string settled)
    {
        var (id, withdrawalId) = await SentPayoutAsync();
        var transactionId = TestPostbacks.NewTransactionId();

        await PostAsync(Report(withdrawalId, interim, transactionId));
        Assert.Equal("sent", await Payout(id, "status"));
        Assert.Equal(interim.ToString(System.Globalization.CultureInfo.InvariantCulture), await Payout(id, "withdrawal_status"));
        Assert.NotNull(await Payout(id, "reported_at"));
        Assert.Equal("applied", await FactAsync(withdrawalId, interim));

        await PostAsync(Report(withdrawalId, final, transactionId));

        Assert.Equal(settled, await Payout(id, "status"));
        Assert.Equal(final.ToString(System.Globalization.CultureInfo.InvariantCulture), await Payout(id, "withdrawal_status"));
        Assert.Equal("applied", await FactAsync(withdrawalId, final));
        Assert.Equal(1, await EventsAsync(id, "payout." + settled));
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE payout_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_final_status_without_a_transaction_id_settles_the_payout_by_its_withdrawal_id()
    {
        var (id, withdrawalId) = await SentPayoutAsync();

        await PostAsync(Report(withdrawalId, 3, transactionId: null));
        await PostAsync(Report(withdrawalId, 1, transactionId: null));

        Assert.Equal("paid", await Payout(id, "status"));
        Assert.Equal("applied", await FactAsync(withdrawalId, 1));
        Assert.Equal(1, await EventsAsync(id, "payout.paid"));
    }

    [Fact]
    public async Task An_identical_redelivery_of_each_status_changes_nothing()
    {
        var (id, withdrawalId) = await SentPayoutAsync();
        var transactionId = TestPostbacks.NewTransactionId();
        await PostAsync(Report(withdrawalId, 3, transactionId));
        await PostAsync(Report(withdrawalId, 1, transactionId));
        var settledAt = await Payout(id, "settled_at");

        await PostAsync(Report(withdrawalId, 3, transactionId));
        await PostAsync(Report(withdrawalId, 1, transactionId));

        Assert.Equal("paid", await Payout(id, "status"));
        Assert.Equal("1", await Payout(id, "withdrawal_status"));
        Assert.Equal(settledAt, await Payout(id, "settled_at"));
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM gateway_transactions WHERE payout_id = @id", ("id", id)));
        Assert.Equal(1, await EventsAsync(id, "payout.paid"));
    }

    [Fact]
    public async Task An_interim_status_arriving_after_the_final_one_is_kept_and_moves_nothing()
    {
        var (id, withdrawalId) = await SentPayoutAsync();

        await PostAsync(Report(withdrawalId, 1, TestPostbacks.NewTransactionId()));
        await PostAsync(Report(withdrawalId, 4, TestPostbacks.NewTransactionId()));

        Assert.Equal("paid", await Payout(id, "status"));
        Assert.Equal("1", await Payout(id, "withdrawal_status"));
        Assert.Equal("payout_already_settled", await FactAsync(withdrawalId, 4));
        Assert.Equal("false", await Payout(id, "status_conflict"));
    }

    [Fact]
    public async Task Statuses_in_one_postback_apply_in_arrival_order()
    {
        var (id, withdrawalId) = await SentPayoutAsync();
        var transactionId = TestPostbacks.NewTransactionId();

        await PostAsync(Report(withdrawalId, 0, transactionId), Report(withdrawalId, 4, transactionId), Report(withdrawalId, 1, transactionId),
            Report(withdrawalId, 3, transactionId));

        Assert.Equal("paid", await Payout(id, "status"));
        Assert.Equal("1", await Payout(id, "withdrawal_status"));
        Assert.Equal("applied", await FactAsync(withdrawalId, 0));
        Assert.Equal("applied", await FactAsync(withdrawalId, 1));
        Assert.Equal("payout_already_settled", await FactAsync(withdrawalId, 3));
    }

    [Fact]
    public async Task A_contradicting_final_status_is_stored_flagged_listed_and_sent_to_the_ledger_as_its_own_event()
    {
        var (id, withdrawalId) = await SentPayoutAsync();
        await PostAsync(Report(withdrawalId, 1, TestPostbacks.NewTransactionId()));

        await PostAsync(Report(withdrawalId, 6, null));
        await PostAsync(Report(withdrawalId, 6, null));

        Assert.Equal("paid", await Payout(id, "status"));
        Assert.Equal("true", await Payout(id, "status_conflict"));
        Assert.Equal("6", await Payout(id, "conflicting_status"));
        Assert.Equal("status_conflict", await FactAsync(withdrawalId, 6));
        Assert.Equal(1, await EventsAsync(id, "payout.status_conflict"));
        Assert.Equal(0, await EventsAsync(id, "payout.cancelled"));
        var data = await api.ScalarAsync<string>(
            "SELECT data::text FROM outbox_events WHERE subject_id = @id AND type = 'payout.status_conflict'", ("id", id));
        Assert.Contains("\"conflictingStatus\": 6", data, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"paid\"", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paid_and_cancelled_arriving_together_settle_once_and_the_other_is_a_conflict()
    {
        for (var round = 0; round < 5; round++)
        {
            var (id, withdrawalId) = await SentPayoutAsync();
            var bodies = new[] { Report(withdrawalId, 1, TestPostbacks.NewTransactionId()), Report(withdrawalId, 6, TestPostbacks.NewTransactionId()) };

            await Task.WhenAll(bodies.Select(body => PostAsync(body)));

            var status = await Payout(id, "status");
            Assert.Contains(status, new[] { "paid", "cancelled" });
            Assert.Equal("true", await Payout(id, "status_conflict"));
            Assert.Equal(status == "paid" ? "6" : "1", await Payout(id, "conflicting_status"));
            Assert.Equal(1L, await api.ScalarAsync<long>(
                "SELECT count(*) FROM outbox_events WHERE subject_id = @id AND type IN ('payout.paid', 'payout.cancelled')", ("id", id)));
            Assert.Equal(1, await EventsAsync(id, "payout.status_conflict"));
        }
    }

    [Fact]
    public async Task A_replayed_outgoing_postback_is_counted_not_stored_again()
    {
        var (id, withdrawalId) = await SentPayoutAsync();
        var body = TestPostbacks.Body([Report(withdrawalId, 1, TestPostbacks.NewTransactionId())], direction: "outgoing");
        using var gateway = api.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);
        }

        Assert.Equal(1L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM postbacks p JOIN gateway_transactions g ON g.postback_id = p.id WHERE g.payout_id = @id", ("id", id)));
        Assert.Equal(4, await api.ScalarAsync<int>(
            "SELECT r.repeats FROM postback_repeats r JOIN gateway_transactions g ON g.postback_id = r.postback_id WHERE g.payout_id = @id", ("id", id)));
    }
}

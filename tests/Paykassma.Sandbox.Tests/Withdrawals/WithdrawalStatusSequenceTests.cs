using System.Text.Json;
using Paykassma.Sandbox.Tests.Postbacks;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>
/// The gateway reports a withdrawal more than once: each interim status it reaches, then the outcome, each by
/// its own signed postback, in order, with the same transaction_id, a new one each time, or none.
/// </summary>
public sealed class WithdrawalStatusSequenceTests
{
    [Fact]
    public async Task By_default_a_withdrawal_is_reported_not_activated_pending_in_processing_then_paid_in_order_each_signed()
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        var request = new WithdrawalRequest();

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var received = await sandbox.Receiver.WaitForAsync(4);
        await sandbox.Receiver.AssertNoMoreThanAsync(4, TimeSpan.FromMilliseconds(300));

        Assert.Equal([0, 3, 4, 1], sandbox.StatusesInArrivalOrder(received));
        var withdrawal = await sandbox.WithdrawalAsync(request.WithdrawalId);
        var transactionId = withdrawal.GetProperty("transactionId").GetString();
        Assert.All(received, postback =>
        {
            var item = sandbox.VerifiedItem(postback);
            Assert.Equal(request.WithdrawalId, item.WithdrawalId);
            Assert.Equal(transactionId, item.TransactionId);
            Assert.Equal(1020m, item.Amount);
        });

        Assert.Equal([0, 3, 4], withdrawal.GetProperty("interimStatuses").EnumerateArray().Select(status => status.GetInt32()));
        Assert.Equal(1, withdrawal.GetProperty("plannedStatus").GetInt32());
        Assert.Equal("same", withdrawal.GetProperty("transactionIds").GetString());
        Assert.Equal(1, withdrawal.GetProperty("status").GetInt32());
        var settlements = withdrawal.GetProperty("settlements").EnumerateArray().ToArray();
        Assert.Equal([0, 3, 4, 1], settlements.Select(settlement => settlement.GetProperty("withdrawalStatus").GetInt32()));
        Assert.All(settlements, settlement => Assert.True(settlement.GetProperty("automatic").GetBoolean()));
        Assert.All(settlements, settlement => Assert.Equal(transactionId, settlement.GetProperty("transactionId").GetString()));
        foreach (var settlement in settlements)
        {
            var record = await sandbox.WaitForStateAsync(settlement.GetProperty("postbackId").GetInt64(), "delivered");
            Assert.Equal("withdrawal", record.GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task The_next_status_waits_until_the_merchant_has_answered_the_one_before_ok()
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        // The first status is refused twice, the second once: each is resent before anything later goes out.
        sandbox.Receiver.Script(ReceiverAnswer.ServerError, ReceiverAnswer.Fail, ReceiverAnswer.Ok, ReceiverAnswer.ServerError);

        (await sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", "6666666666"))).Dispose();
        var received = await sandbox.Receiver.WaitForAsync(7);
        await sandbox.Receiver.AssertNoMoreThanAsync(7, TimeSpan.FromMilliseconds(300));

        Assert.Equal([0, 0, 0, 3, 3, 4, 6], sandbox.StatusesInArrivalOrder(received));
    }

    [Fact]
    public async Task A_cancelled_account_goes_through_the_interim_statuses_to_6()
    {
        await using var sandbox = await StatusPostbacks.StartAsync();

        (await sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", "6666666666"))).Dispose();

        var received = await sandbox.Receiver.WaitForAsync(4);

        Assert.Equal([0, 3, 4, 6], sandbox.StatusesInArrivalOrder(received));
    }

    [Fact]
    public async Task Interim_statuses_switched_off_leave_the_outcome_alone()
    {
        await using var sandbox = await StatusPostbacks.StartAsync(("Sandbox:WithdrawalInterimStatusesOn", "false"));
        var request = new WithdrawalRequest();

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var received = await sandbox.Receiver.WaitForAsync(1);
        await sandbox.Receiver.AssertNoMoreThanAsync(1, TimeSpan.FromMilliseconds(400));

        Assert.Equal([1], sandbox.StatusesInArrivalOrder(received));
        var withdrawal = await sandbox.WithdrawalAsync(request.WithdrawalId);
        Assert.Empty(withdrawal.GetProperty("interimStatuses").EnumerateArray());
        Assert.Single(withdrawal.GetProperty("settlements").EnumerateArray());
    }

    [Theory]
    [InlineData("3", "6666666666", new[] { 3, 6 })]
    [InlineData("4, 3 ,5", "88123456", new[] { 4, 3, 5, 1 })]
    [InlineData("", "88123456", new[] { 1 })]
    public async Task Interim_statuses_are_the_configured_list(string list, string accountNumber, int[] expected)
    {
        await using var sandbox = await StatusPostbacks.StartAsync(("Sandbox:WithdrawalInterimStatuses", list));

        (await sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", accountNumber))).Dispose();
        var received = await sandbox.Receiver.WaitForAsync(expected.Length);
        await sandbox.Receiver.AssertNoMoreThanAsync(expected.Length, TimeSpan.FromMilliseconds(300));

        Assert.Equal(expected, sandbox.StatusesInArrivalOrder(received));
    }

    [Fact]
    public async Task The_not_settled_account_reports_nothing_not_even_interim_statuses()
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        var request = new WithdrawalRequest().With("account_number", "7777777777");

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        await sandbox.Receiver.AssertNoMoreThanAsync(0, TimeSpan.FromMilliseconds(400));
        var withdrawal = await sandbox.WithdrawalAsync(request.WithdrawalId);
        Assert.Equal(JsonValueKind.Null, withdrawal.GetProperty("status").ValueKind);
        Assert.Empty(withdrawal.GetProperty("interimStatuses").EnumerateArray());
    }

    [Fact]
    public async Task Without_transaction_ids_every_status_is_signed_with_transaction_id_null()
    {
        await using var sandbox = await StatusPostbacks.StartAsync(("Sandbox:WithdrawalTransactionIds", "none"));
        var request = new WithdrawalRequest();

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var received = await sandbox.Receiver.WaitForAsync(4);

        Assert.Equal([0, 3, 4, 1], sandbox.StatusesInArrivalOrder(received));
        Assert.All(received, postback =>
        {
            Assert.Equal(JsonValueKind.Null, StatusPostbacks.RawTransactionId(postback).ValueKind);
            Assert.Contains("\"transaction_id\":null,", StatusPostbacks.SignedJson(postback), StringComparison.Ordinal);
            Assert.Null(sandbox.VerifiedItem(postback).TransactionId);
        });
        var withdrawal = await sandbox.WithdrawalAsync(request.WithdrawalId);
        Assert.Equal("none", withdrawal.GetProperty("transactionIds").GetString());
        Assert.All(withdrawal.GetProperty("settlements").EnumerateArray(),
            settlement => Assert.Equal(JsonValueKind.Null, settlement.GetProperty("transactionId").ValueKind));
        var listed = await sandbox.ListAsync();
        Assert.All(listed, record => Assert.Equal(JsonValueKind.Null, record.GetProperty("transactionId").ValueKind));
    }

    [Fact]
    public async Task Per_status_transaction_ids_start_with_the_withdrawals_own_and_differ_on_each_status()
    {
        await using var sandbox = await StatusPostbacks.StartAsync(("Sandbox:WithdrawalTransactionIds", "per_status"));
        var request = new WithdrawalRequest();

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var ids = (await sandbox.Receiver.WaitForAsync(4)).Select(postback => sandbox.VerifiedItem(postback).TransactionId).ToArray();

        var withdrawal = await sandbox.WithdrawalAsync(request.WithdrawalId);
        Assert.Equal(withdrawal.GetProperty("transactionId").GetString(), ids[0]);
        Assert.Equal(4, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9]{12}$", id!));
    }

    [Theory]
    [InlineData("1111111111", "none")]
    [InlineData("2222222222", "per_status")]
    [InlineData("88123456", "same")]
    public async Task The_account_number_picks_the_transaction_ids_of_one_withdrawal(string accountNumber, string expected)
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        var request = new WithdrawalRequest().With("account_number", accountNumber);

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var ids = (await sandbox.Receiver.WaitForAsync(4)).Select(postback => sandbox.VerifiedItem(postback).TransactionId).ToArray();

        Assert.Equal(expected, (await sandbox.WithdrawalAsync(request.WithdrawalId)).GetProperty("transactionIds").GetString());
        Assert.Equal(expected switch { "none" => 0, "per_status" => 4, _ => 1 }, ids.Where(id => id is not null).Distinct().Count());
        Assert.Equal(expected == "none" ? 4 : 0, ids.Count(id => id is null));
    }

    [Fact]
    public async Task Without_a_postback_url_the_statuses_are_still_built_in_order_and_listed()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(), withUrl: false);
        var request = new WithdrawalRequest();

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var withdrawal = await sandbox.WaitForSettlementsAsync(request.WithdrawalId, 4);

        Assert.Equal([0, 3, 4, 1], withdrawal.GetProperty("settlements").EnumerateArray().Select(s => s.GetProperty("withdrawalStatus").GetInt32()));
        var listed = await sandbox.ListAsync();
        Assert.Equal([1, 4, 3, 0], listed.Select(record => record.GetProperty("withdrawalStatus").GetInt32()));
        Assert.All(listed, record => Assert.Equal("not_sent", record.GetProperty("state").GetString()));
        Assert.Empty(sandbox.Receiver.Received);
    }
}

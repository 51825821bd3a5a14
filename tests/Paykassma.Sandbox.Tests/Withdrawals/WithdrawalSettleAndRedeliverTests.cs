using System.Text.Json;
using Paykassma.Sandbox.Tests.Postbacks;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>
/// /settle reports any status with the transaction_id asked for (the withdrawal's, a new one, or none), so
/// tests and ops can reproduce "status 0 then 1" or "3 then 6"; /redeliver sends reported statuses again.
/// </summary>
public sealed class WithdrawalSettleAndRedeliverTests
{
    private const string NotSettledAccount = "7777777777";

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 6)]
    public async Task Settle_reports_an_interim_status_then_the_outcome_with_the_same_transaction_id(int interim, int outcome)
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        var request = new WithdrawalRequest().With("account_number", NotSettledAccount);
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        var first = await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = interim });
        var second = await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = outcome });

        Assert.Equal((201, 201), (first.Status, second.Status));
        Assert.Equal(("delivered", "delivered"), (first.Body.GetProperty("state").GetString(), second.Body.GetProperty("state").GetString()));
        var received = sandbox.Receiver.Received;
        Assert.Equal([interim, outcome], sandbox.StatusesInArrivalOrder(received));
        var transactionId = (await sandbox.WithdrawalAsync(request.WithdrawalId)).GetProperty("transactionId").GetString();
        Assert.All(received, postback => Assert.Equal(transactionId, sandbox.VerifiedItem(postback).TransactionId));
        Assert.Equal(outcome, (await sandbox.WithdrawalAsync(request.WithdrawalId)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Settle_without_a_transaction_id_signs_transaction_id_null_and_the_merchant_verifies_it()
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        var request = new WithdrawalRequest().With("account_number", NotSettledAccount);
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        var settled = await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = 1, transactionId = "none" });

        Assert.Equal(201, settled.Status);
        Assert.Equal(JsonValueKind.Null, settled.Body.GetProperty("transactionId").ValueKind);
        var postback = Assert.Single(sandbox.Receiver.Received);
        Assert.Equal(JsonValueKind.Null, StatusPostbacks.RawTransactionId(postback).ValueKind);
        Assert.Contains("\"transaction_id\":null,", StatusPostbacks.SignedJson(postback), StringComparison.Ordinal);
        var item = sandbox.VerifiedItem(postback);
        Assert.Null(item.TransactionId);
        Assert.Equal((request.WithdrawalId, 1), (item.WithdrawalId, item.WithdrawalStatus!.Value));
        var settlement = Assert.Single((await sandbox.WithdrawalAsync(request.WithdrawalId)).GetProperty("settlements").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, settlement.GetProperty("transactionId").ValueKind);
        Assert.False(settlement.GetProperty("automatic").GetBoolean());
    }

    [Theory]
    [InlineData("same", "same")]
    [InlineData("same", "new")]
    [InlineData("none", "same")]
    [InlineData("none", null)]
    [InlineData("per_status", null)]
    [InlineData("same", null)]
    public async Task Settle_sends_the_transaction_id_asked_for_else_the_withdrawals_own_choice(string mode, string? asked)
    {
        await using var sandbox = await StatusPostbacks.StartAsync(("Sandbox:WithdrawalTransactionIds", mode));
        var request = new WithdrawalRequest().With("account_number", NotSettledAccount);
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var own = (await sandbox.WithdrawalAsync(request.WithdrawalId)).GetProperty("transactionId").GetString();

        // A status first, so that per_status is past the withdrawal's own id.
        Assert.Equal(201, (await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = 3, transactionId = "same" })).Status);
        var settled = asked is null
            ? await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = 1 })
            : await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = 1, transactionId = asked });

        Assert.Equal(201, settled.Status);
        var sent = sandbox.VerifiedItem(sandbox.Receiver.Received[^1]).TransactionId;
        switch (asked ?? (mode == "per_status" ? "new" : mode))
        {
            case "same":
                Assert.Equal(own, sent);
                break;
            case "new":
                Assert.Matches("^[0-9]{12}$", sent!);
                Assert.NotEqual(own, sent);
                break;
            default:
                Assert.Null(sent);
                break;
        }
    }

    [Theory]
    [InlineData("""{"withdrawalStatus":1,"transactionId":"maybe"}""", "transactionId")]
    [InlineData("""{"withdrawalStatus":1,"transactionId":12}""", "body")]
    public async Task Bad_transaction_id_choice_is_refused_and_sends_nothing(string body, string field)
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        var request = new WithdrawalRequest().With("account_number", NotSettledAccount);
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        using var response = await sandbox.Http.PostAsync(
            $"/sandbox/withdrawals/{request.WithdrawalId}/settle", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        await sandbox.Receiver.AssertNoMoreThanAsync(0, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Settle_takes_the_withdrawal_over_so_statuses_not_reached_are_not_reported()
    {
        // The first status is built at once and sent 3 s later: /settle comes in between, whatever the load.
        await using var sandbox = await StatusPostbacks.StartAsync(("Sandbox:PostbackDelaySeconds", "3"));
        var request = new WithdrawalRequest();
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        var settled = await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = 6 });

        Assert.Equal(201, settled.Status);
        // The status already built still goes out; 3, 4 and 1, not reached, never do.
        var received = await sandbox.Receiver.WaitForAsync(2);
        await sandbox.Receiver.AssertNoMoreThanAsync(2, TimeSpan.FromMilliseconds(500));
        Assert.Equal([6, 0], sandbox.StatusesInArrivalOrder(received));
        var withdrawal = await sandbox.WithdrawalAsync(request.WithdrawalId);
        Assert.Equal([0, 6], withdrawal.GetProperty("settlements").EnumerateArray().Select(s => s.GetProperty("withdrawalStatus").GetInt32()));
    }

    [Fact]
    public async Task Redeliver_sends_the_latest_status_postbacks_exact_bytes_again()
    {
        await using var sandbox = await StatusPostbacks.StartAsync();
        var request = new WithdrawalRequest();
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var original = await sandbox.Receiver.WaitForAsync(4);
        var final = (await sandbox.WaitForSettlementsAsync(request.WithdrawalId, 4)).GetProperty("settlements")[3].GetProperty("postbackId").GetInt64();
        await sandbox.WaitForStateAsync(final, "delivered");

        var redelivered = await sandbox.RedeliverAsync(request.WithdrawalId);

        Assert.Equal(200, redelivered.Status);
        var record = Assert.Single(redelivered.Body.EnumerateArray());
        Assert.Equal("duplicate", record.GetProperty("kind").GetString());
        Assert.Equal(final, record.GetProperty("duplicateOf").GetInt64());
        Assert.Equal("""{"status":"ok"}""", record.GetProperty("attempts")[0].GetProperty("answer").GetString());
        var received = await sandbox.Receiver.WaitForAsync(5);
        Assert.Equal(original[3].Body, received[4].Body);
    }

    [Fact]
    public async Task Redeliver_all_sends_every_status_again_oldest_first_byte_for_byte()
    {
        await using var sandbox = await StatusPostbacks.StartAsync(("Sandbox:WithdrawalTransactionIds", "none"));
        var request = new WithdrawalRequest().With("account_number", NotSettledAccount);
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        Assert.Equal(201, (await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = 0 })).Status);
        Assert.Equal(201, (await sandbox.SettleAsync(request.WithdrawalId, new { withdrawalStatus = 1 })).Status);

        var redelivered = await sandbox.RedeliverAsync(request.WithdrawalId, """{"which":"ALL"}""");

        Assert.Equal(200, redelivered.Status);
        Assert.Equal([0, 1], redelivered.Body.EnumerateArray().Select(record => record.GetProperty("withdrawalStatus").GetInt32()));
        var received = await sandbox.Receiver.WaitForAsync(4);
        Assert.Equal([0, 1, 0, 1], sandbox.StatusesInArrivalOrder(received));
        Assert.Equal(received[0].Body, received[2].Body);
        Assert.Equal(received[1].Body, received[3].Body);
        Assert.All(received, postback => Assert.Null(sandbox.VerifiedItem(postback).TransactionId));
    }

    [Theory]
    [InlineData("unknown", null, true, 404, null)]
    [InlineData(NotSettledAccount, null, true, 409, null)]
    [InlineData("paid", """{"which":"first"}""", true, 400, "which")]
    [InlineData("paid", """{"which":"last","count":2}""", true, 400, "body")]
    [InlineData("paid", """not json""", true, 400, "body")]
    [InlineData("paid", null, false, 409, null)]
    public async Task Redeliver_refuses_what_it_cannot_do(string which, string? body, bool withUrl, int status, string? field)
    {
        await using var sandbox = await PostbackSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(), withUrl);
        var request = new WithdrawalRequest().With("account_number", which == NotSettledAccount ? NotSettledAccount : "88123456");
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        var answer = await sandbox.RedeliverAsync(which == "unknown" ? "never-received" : request.WithdrawalId, body);

        Assert.Equal(status, answer.Status);
        if (field is not null)
        {
            Assert.True(answer.Body.GetProperty("errors").TryGetProperty(field, out _));
        }

        Assert.DoesNotContain(await sandbox.ListAsync(), record => record.GetProperty("kind").GetString() == "duplicate");
    }
}

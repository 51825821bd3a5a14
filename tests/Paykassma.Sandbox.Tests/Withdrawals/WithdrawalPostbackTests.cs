using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.Sandbox.Tests.Postbacks;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>The outgoing postback that reports a withdrawal's outcome, judged by the merchant's own parser and verifier.</summary>
public sealed class WithdrawalPostbackTests
{
    private static readonly string[] ItemKeys =
    [
        "activated_datetime", "exchanger_identifier", "comment", "amount", "currency_code", "wallet_type", "stockpiling_id",
        "transaction_id", "transaction_type", "plugin_custom_order_id", "withdrawal_id", "withdrawal_status", "account_number",
        "account_name", "account_email", "bank_details",
    ];

    private static Task<PostbackSandbox> StartAsync(params (string Key, string? Value)[] settings) =>
        PostbackSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(settings));

    /// <summary>The outcome alone, for the tests about one postback's content (WithdrawalStatusSequenceTests has the sequence).</summary>
    private static Task<PostbackSandbox> StartWithoutInterimStatusesAsync(params (string Key, string? Value)[] settings) =>
        StartAsync([.. settings, ("Sandbox:WithdrawalInterimStatusesOn", "false")]);

    [Fact]
    public async Task Accepted_withdrawal_is_reported_paid_by_a_signed_outgoing_postback()
    {
        await using var sandbox = await StartWithoutInterimStatusesAsync();
        var request = new WithdrawalRequest()
            .With("amount", 750)
            .With("label", "user-9")
            .With("bank_details", new JsonObject { ["bank_code"] = "BNB", ["branch_code"] = "01" });

        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        var received = await sandbox.Receiver.WaitForAsync(1);

        var withdrawal = (await sandbox.Sandbox.FindWithdrawalAsync(request.WithdrawalId))!.Value;
        var parsed = PostbackSandbox.Parse(received[0].Body);
        var verification = sandbox.Verifier.Verify(parsed);
        Assert.True(verification.IsVerified, verification.RejectReason);
        Assert.Equal("outgoing", parsed.Unsigned.Direction);
        Assert.Equal("user-9", parsed.Unsigned.Label);
        var item = parsed.Transactions.Single();
        Assert.Equal(request.WithdrawalId, item.WithdrawalId);
        Assert.Equal(1, item.WithdrawalStatus);
        Assert.Equal(1, item.TransactionType);
        Assert.Null(item.CustomOrderId);
        Assert.Equal(750m, item.Amount);
        Assert.Equal("BTN", item.CurrencyCode);
        Assert.Equal("sinpemovil", item.WalletType);
        Assert.Equal("88123456", item.AccountNumber);
        Assert.Equal(withdrawal.GetProperty("transactionId").GetString(), item.TransactionId);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", item.ActivatedDateTime);

        using var document = JsonDocument.Parse(received[0].Body);
        var raw = document.RootElement.GetProperty("additional_data")[0];
        Assert.Equal(ItemKeys, raw.EnumerateObject().Select(property => property.Name));
        // The merchant's id comes back as it was sent: a string, never a number.
        Assert.Equal(JsonValueKind.String, raw.GetProperty("withdrawal_id").ValueKind);
        Assert.Equal("1", raw.GetProperty("withdrawal_status").GetRawText());
        Assert.Equal("Dorji Wangmo", raw.GetProperty("account_name").GetString());
        Assert.Equal("""{"bank_code":"BNB","branch_code":"01"}""", raw.GetProperty("bank_details").GetRawText());
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("plugin_custom_order_id").ValueKind);

        var record = Assert.Single(await ListAsync(sandbox, request.WithdrawalId));
        Assert.Equal("withdrawal", record.GetProperty("kind").GetString());
        Assert.Equal("withdrawal", record.GetProperty("source").GetString());
        Assert.Equal(request.WithdrawalId, record.GetProperty("withdrawalId").GetString());
        Assert.Equal(1, record.GetProperty("withdrawalStatus").GetInt32());
        await sandbox.WaitForStateAsync(record.GetProperty("id").GetInt64(), "delivered");
        var settlement = Assert.Single(withdrawal.GetProperty("settlements").EnumerateArray());
        Assert.Equal(record.GetProperty("id").GetInt64(), settlement.GetProperty("postbackId").GetInt64());
        Assert.True(settlement.GetProperty("automatic").GetBoolean());
    }

    [Fact]
    public async Task Cancelled_account_is_reported_with_status_6_and_refused_or_repeated_ones_get_no_postback()
    {
        await using var sandbox = await StartWithoutInterimStatusesAsync();
        var cancelled = new WithdrawalRequest().With("account_number", "6666666666");
        (await sandbox.Sandbox.CreateWithdrawalAsync(cancelled)).Dispose();
        (await sandbox.Sandbox.CreateWithdrawalAsync(cancelled)).Dispose();
        (await sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest(), key: "another-key")).Dispose();
        (await sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", "4444444444"))).Dispose();
        (await sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", "7777777777"))).Dispose();

        var received = await sandbox.Receiver.WaitForAsync(1);
        await sandbox.Receiver.AssertNoMoreThanAsync(1, TimeSpan.FromMilliseconds(300));

        var item = PostbackSandbox.Parse(received[0].Body).Transactions.Single();
        Assert.True(sandbox.Verify(received[0].Body).IsVerified);
        Assert.Equal(cancelled.WithdrawalId, item.WithdrawalId);
        Assert.Equal(6, item.WithdrawalStatus);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(4)]
    [InlineData(1)]
    public async Task Settle_reports_any_status_now_and_answers_the_postback(int status)
    {
        await using var sandbox = await StartAsync();
        var request = new WithdrawalRequest().With("account_number", "7777777777");
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        using var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/withdrawals/{request.WithdrawalId}/settle", new { withdrawalStatus = status });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var record = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"/sandbox/postbacks/{record.GetProperty("id").GetInt64()}", response.Headers.Location?.OriginalString);
        Assert.Equal("delivered", record.GetProperty("state").GetString());
        Assert.Equal("control", record.GetProperty("source").GetString());
        var body = Encoding.UTF8.GetBytes(record.GetProperty("body").GetString()!);
        Assert.Equal(body, Assert.Single(sandbox.Receiver.Received).Body);
        Assert.True(sandbox.Verify(body).IsVerified);
        var item = PostbackSandbox.Parse(body).Transactions.Single();
        Assert.Equal(request.WithdrawalId, item.WithdrawalId);
        Assert.Equal(status, item.WithdrawalStatus);

        var withdrawal = (await sandbox.Sandbox.FindWithdrawalAsync(request.WithdrawalId))!.Value;
        Assert.Equal(status, withdrawal.GetProperty("status").GetInt32());
        Assert.False(Assert.Single(withdrawal.GetProperty("settlements").EnumerateArray()).GetProperty("automatic").GetBoolean());
    }

    [Fact]
    public async Task A_paid_withdrawal_can_be_settled_again_later_with_the_same_transaction_id()
    {
        await using var sandbox = await StartWithoutInterimStatusesAsync();
        var request = new WithdrawalRequest();
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();
        await sandbox.Receiver.WaitForAsync(1);

        (await sandbox.Http.PostAsJsonAsync($"/sandbox/withdrawals/{request.WithdrawalId}/settle", new { withdrawalStatus = 6 })).Dispose();

        var received = await sandbox.Receiver.WaitForAsync(2);
        var first = PostbackSandbox.Parse(received[0].Body).Transactions.Single();
        var second = PostbackSandbox.Parse(received[1].Body).Transactions.Single();
        Assert.Equal((1, 6), (first.WithdrawalStatus!.Value, second.WithdrawalStatus!.Value));
        Assert.Equal(first.TransactionId, second.TransactionId);
        var withdrawal = (await sandbox.Sandbox.FindWithdrawalAsync(request.WithdrawalId))!.Value;
        Assert.Equal(6, withdrawal.GetProperty("status").GetInt32());
        Assert.Equal(2, withdrawal.GetProperty("settlements").GetArrayLength());
        Assert.Equal(2, (await ListAsync(sandbox, request.WithdrawalId)).Length);
    }

    [Theory]
    [InlineData("never-received", """{"withdrawalStatus":6}""", 404, null)]
    [InlineData(null, """{}""", 400, "withdrawalStatus")]
    [InlineData(null, """{"withdrawalStatus":-1}""", 400, "withdrawalStatus")]
    [InlineData(null, """{"withdrawalStatus":"paid"}""", 400, "body")]
    [InlineData(null, """{"withdrawalStatus":1,"status":6}""", 400, "body")]
    [InlineData(null, """not json""", 400, "body")]
    public async Task Bad_settle_request_is_refused_and_sends_nothing(string? withdrawalId, string body, int status, string? field)
    {
        await using var sandbox = await StartAsync();
        var request = new WithdrawalRequest().With("account_number", "7777777777");
        (await sandbox.Sandbox.CreateWithdrawalAsync(request)).Dispose();

        using var response = await sandbox.Http.PostAsync(
            $"/sandbox/withdrawals/{withdrawalId ?? request.WithdrawalId}/settle", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        if (field is not null)
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        }

        await sandbox.Receiver.AssertNoMoreThanAsync(0, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Withdrawal_key_is_in_no_log_line_and_no_answer()
    {
        await using var sandbox = await StartAsync(("Sandbox:StallSeconds", "0"));
        var answers = new List<string>();
        async Task Keep(Task<HttpResponseMessage> call)
        {
            using var response = await call;
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        var paid = new WithdrawalRequest();
        await Keep(sandbox.Sandbox.CreateWithdrawalAsync(paid));
        await Keep(sandbox.Sandbox.CreateWithdrawalAsync(paid));
        await Keep(sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest(), key: "another-key"));
        await Keep(sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("amount", -1)));
        foreach (var magic in new[] { "9999999999", "8888888888", "5555555555", "4444444444", "6666666666", "7777777777" })
        {
            await Keep(sandbox.Sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", magic)));
        }

        await Keep(sandbox.Http.PostAsJsonAsync($"/sandbox/withdrawals/{paid.WithdrawalId}/settle", new { withdrawalStatus = 4 }));
        // At least: paid, the stall's, the crash's, the cancelled one's (each after interim statuses), and the settled one's.
        await sandbox.Receiver.WaitForAsync(5);
        foreach (var path in new[] { "/sandbox/withdrawals", $"/sandbox/withdrawals/{paid.WithdrawalId}", "/sandbox/withdrawal-requests",
                     "/sandbox/withdrawal-balance", "/sandbox/postbacks", "/sandbox/faults" })
        {
            await Keep(sandbox.Http.GetAsync(path));
        }

        foreach (var text in answers.Concat(sandbox.Log.Lines).Concat(sandbox.Receiver.Received.Select(postback => Encoding.UTF8.GetString(postback.Body))))
        {
            Assert.DoesNotContain(WithdrawalRequest.Key, text, StringComparison.Ordinal);
        }

        Assert.Contains(sandbox.Log.Lines, line => line.Contains(paid.WithdrawalId, StringComparison.Ordinal));
    }

    private static async Task<JsonElement[]> ListAsync(PostbackSandbox sandbox, string withdrawalId)
    {
        using var document = JsonDocument.Parse(await sandbox.Http.GetStringAsync($"/sandbox/postbacks?withdrawalId={Uri.EscapeDataString(withdrawalId)}"));
        return document.RootElement.EnumerateArray().Select(item => item.Clone()).ToArray();
    }
}

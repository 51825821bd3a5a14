using System.Net;
using System.Text.Json;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>Magic account numbers and faults: each outcome a merchant's payout client has to survive.</summary>
public sealed class WithdrawalFaultTests
{
    private const string InsufficientBody = """{"status":"fail","message":{"withdrawals_sum_amount":["Insufficient balance"]}}""";
    private const string TakenBody = """{"status":"fail","message":{"withdrawal_id":["The withdrawal id has already been taken."]}}""";

    [Fact]
    public async Task Down_account_answers_503_and_stores_nothing_so_the_id_stays_free()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest().With("account_number", "9999999999");

        using var down = await sandbox.CreateWithdrawalAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("text/html", down.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await sandbox.ListWithdrawalsAsync());
        using var retried = await sandbox.CreateWithdrawalAsync(request.With("account_number", "88123456"));
        await WithdrawalAssert.OkAsync(retried);
    }

    [Fact]
    public async Task Insufficient_balance_account_is_refused_as_the_gateway_words_it()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());

        using var response = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", "4444444444"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(InsufficientBody, await response.Content.ReadAsStringAsync());
        Assert.Empty(await sandbox.ListWithdrawalsAsync());
    }

    [Fact]
    public async Task Crash_account_is_stored_then_answered_500_and_the_retry_is_already_taken()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest().With("account_number", "5555555555");

        using var crashed = await sandbox.CreateWithdrawalAsync(request);
        using var retried = await sandbox.CreateWithdrawalAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        Assert.Equal("text/html", crashed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TakenBody, await retried.Content.ReadAsStringAsync());
        var stored = (await sandbox.FindWithdrawalAsync(request.WithdrawalId))!.Value;
        Assert.Equal(500, stored.GetProperty("answer").GetProperty("statusCode").GetInt32());
        Assert.Equal(1, stored.GetProperty("plannedStatus").GetInt32());
    }

    [Fact]
    public async Task Stall_account_is_stored_before_the_late_ok_so_a_client_that_gave_up_meets_already_taken()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(("Sandbox:StallSeconds", "30")));
        var request = new WithdrawalRequest().With("account_number", "8888888888");
        using var gaveUp = new CancellationTokenSource();

        // The client gives up once the gateway has the withdrawal, not after a fixed time: on a loaded
        // machine a fixed timeout could end the request before it was even read.
        var impatient = sandbox.Http.PostAsync(WithdrawalRequest.Path, request.ToContent(), gaveUp.Token);
        while (await sandbox.FindWithdrawalAsync(request.WithdrawalId) is null)
        {
            Assert.False(impatient.IsCompleted, "the stalled request was answered before the withdrawal was stored");
            await Task.Delay(20);
        }

        await gaveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        using var retried = await sandbox.CreateWithdrawalAsync(request);

        Assert.Equal(TakenBody, await retried.Content.ReadAsStringAsync());
        Assert.NotNull(await sandbox.FindWithdrawalAsync(request.WithdrawalId));
    }

    [Fact]
    public async Task Stall_account_answers_ok_after_the_stall()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(("Sandbox:StallSeconds", "0.5")));
        var started = TimeProvider.System.GetTimestamp();

        using var response = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("account_number", "8888888888"));

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.4));
        await WithdrawalAssert.OkAsync(response);
    }

    [Theory]
    [InlineData("6666666666", 6)]
    [InlineData("7777777777", null)]
    [InlineData("88123456", 1)]
    public async Task Account_number_chooses_the_status_the_sandbox_settles_with(string accountNumber, int? status)
    {
        // Without interim statuses the outcome is the first and only status (WithdrawalStatusSequenceTests has the sequence).
        await using var sandbox = await TestSandbox.StartAsync(
            WithdrawalSandboxExtensions.Settings(("Sandbox:WithdrawalInterimStatusesOn", "false")));
        var request = new WithdrawalRequest().With("account_number", accountNumber);

        using var response = await sandbox.CreateWithdrawalAsync(request);

        await WithdrawalAssert.OkAsync(response);
        var stored = (await sandbox.FindWithdrawalAsync(request.WithdrawalId))!.Value;
        Assert.Equal(status, Nullable(stored.GetProperty("plannedStatus")));
        Assert.Equal(status, Nullable(stored.GetProperty("status")));
        Assert.Equal(status is null ? 0 : 1, stored.GetProperty("settlements").GetArrayLength());
    }

    [Fact]
    public async Task Down_fault_answers_503_and_refuse_fault_the_given_message()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());

        await sandbox.SetFaultAsync(new { mode = "down" });
        using var down = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest());
        await sandbox.SetFaultAsync(new { mode = "refuse", message = "Payouts are paused" });
        using var refused = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Payouts are paused", await GatewayAssert.FailAsync(refused));
        Assert.Empty(await sandbox.ListWithdrawalsAsync());
        Assert.Empty(await CreateWithdrawalTests.RequestsAsync(sandbox));
    }

    [Fact]
    public async Task Insufficient_balance_fault_refuses_valid_withdrawals_only_and_leaves_deposits_alone()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        await sandbox.SetFaultAsync(new { mode = "INSUFFICIENT_BALANCE" });

        using var valid = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest());
        using var unsigned = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest(), key: "another-key");
        using var deposit = await sandbox.CreateDepositAsync("user-1");

        Assert.Equal(InsufficientBody, await valid.Content.ReadAsStringAsync());
        Assert.Equal("Withdrawal signature is invalid", await GatewayAssert.FailAsync(unsigned));
        Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        Assert.Contains("\"status\":\"ok\"", await deposit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await sandbox.ListWithdrawalsAsync());
        var fault = JsonDocument.Parse(await sandbox.Http.GetStringAsync("/sandbox/faults")).RootElement;
        Assert.Equal("insufficient_balance", fault.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Stall_fault_stores_the_withdrawal_and_answers_late()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        await sandbox.SetFaultAsync(new { mode = "stall", stallSeconds = 0.5 });
        var request = new WithdrawalRequest();
        var started = TimeProvider.System.GetTimestamp();

        using var response = await sandbox.CreateWithdrawalAsync(request);

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.4));
        await WithdrawalAssert.OkAsync(response);
        Assert.NotNull(await sandbox.FindWithdrawalAsync(request.WithdrawalId));
    }

    [Fact]
    public async Task Crash_fault_handles_every_gateway_call_then_answers_500()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        await sandbox.SetFaultAsync(new { mode = "crash" });
        var request = new WithdrawalRequest();
        var proof = new ProofForm();

        using var withdrawal = await sandbox.CreateWithdrawalAsync(request);
        using var submitted = await sandbox.SubmitProofAsync(proof);
        await sandbox.SetFaultAsync(new { mode = "none" });
        using var retried = await sandbox.CreateWithdrawalAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, withdrawal.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, submitted.StatusCode);
        Assert.NotNull(await sandbox.FindWithdrawalAsync(request.WithdrawalId));
        Assert.NotNull(await sandbox.FindProofAsync(proof.CustomTransactionId));
        Assert.Equal(TakenBody, await retried.Content.ReadAsStringAsync());
    }

    private static int? Nullable(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetInt32();
}

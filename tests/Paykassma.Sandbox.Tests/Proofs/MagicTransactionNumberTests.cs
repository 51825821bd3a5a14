using System.Net;
using System.Text.Json;

namespace Paykassma.Sandbox.Tests.Proofs;

public sealed class MagicTransactionNumberTests
{
    [Fact]
    public async Task All_zeros_is_refused_as_transaction_not_found_and_recorded_as_refused()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var form = new ProofForm().With("key1", "000000000000");

        using var response = await sandbox.SubmitProofAsync(form);

        Assert.Equal("""{"status":"fail","message":"Transaction not found"}""", await response.Content.ReadAsStringAsync());
        var proof = (await sandbox.FindProofAsync(form.CustomTransactionId))!.Value;
        Assert.Equal("refused", proof.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, proof.GetProperty("transactionId").ValueKind);
    }

    [Fact]
    public async Task All_nines_answers_503_and_records_nothing()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.SubmitProofAsync(new ProofForm().With("key1", "999999999999"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await sandbox.ListProofsAsync());
    }

    [Fact]
    public async Task All_eights_answers_success_after_the_configured_stall()
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:StallSeconds"] = "0.3" });
        var started = TimeProvider.System.GetTimestamp();

        using var response = await sandbox.SubmitProofAsync(new ProofForm().With("key1", "888888888888"));

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.3));
        Assert.Contains("\"status\":\"success\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_eights_records_the_proof_although_the_client_timed_out_so_a_retry_is_a_duplicate()
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:StallSeconds"] = "30" });
        // Patient enough to finish sending on a loaded machine, far shorter than the 30 s stall.
        using var impatient = new HttpClient { BaseAddress = sandbox.BaseAddress, Timeout = TimeSpan.FromSeconds(3) };
        var form = new ProofForm().With("key1", "888888888888");

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => sandbox.SubmitProofAsync(form, impatient));

        var proof = (await sandbox.FindProofAsync(form.CustomTransactionId))!.Value;
        Assert.Equal("accepted", proof.GetProperty("outcome").GetString());
        using var retry = await sandbox.SubmitProofAsync(form);
        Assert.Equal("custom_transaction_id already exists", await GatewayAssert.FailAsync(retry));
    }

    [Fact]
    public async Task A_stall_ends_when_the_client_hangs_up()
    {
        var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:StallSeconds"] = "60" });
        using (var impatient = new HttpClient { BaseAddress = sandbox.BaseAddress, Timeout = TimeSpan.FromMilliseconds(300) })
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(
                () => sandbox.SubmitProofAsync(new ProofForm().With("key1", "888888888888"), impatient));
        }

        // A graceful stop waits for requests in flight (up to the 30 s shutdown timeout): a stall that
        // ignored the abort would still be holding its request.
        var stopping = TimeProvider.System.GetTimestamp();
        await sandbox.App.StopAsync();
        var stoppedAfter = TimeProvider.System.GetElapsedTime(stopping);
        await sandbox.DisposeAsync();
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(10), $"stopping took {stoppedAfter}");
    }
}

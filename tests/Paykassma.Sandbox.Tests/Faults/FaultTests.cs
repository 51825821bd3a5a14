using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Paykassma.Sandbox.Tests.Faults;

public sealed class FaultTests
{
    [Fact]
    public async Task Down_makes_every_gateway_call_answer_503_until_set_back_to_none()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        await sandbox.SetFaultAsync(new { mode = "down" });

        using (var create = await sandbox.CreateDepositAsync("user-1"))
        using (var proof = await sandbox.SubmitProofAsync(new ProofForm()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, proof.StatusCode);
        }

        Assert.Empty(await sandbox.ListProofsAsync());
        Assert.Equal("down", (await CurrentFaultAsync(sandbox)).GetProperty("mode").GetString());

        await sandbox.SetFaultAsync(new { mode = "none" });

        using var recovered = await sandbox.SubmitProofAsync(new ProofForm());
        Assert.Contains("\"status\":\"success\"", await recovered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("none", (await CurrentFaultAsync(sandbox)).GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Secret_is_still_checked_first_during_a_fault()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await sandbox.SetFaultAsync(new { mode = "down" });

        using var response = await sandbox.Http.PostAsync(TestSandbox.PossibleTransactionPath("wrong"), new ProofForm().ToContent());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Refuse_answers_fail_with_the_given_message_and_records_nothing()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await sandbox.SetFaultAsync(new { mode = "refuse", message = "Merchant is blocked" });

        using var create = await sandbox.CreateDepositAsync("user-1");
        using var proof = await sandbox.SubmitProofAsync(new ProofForm());

        Assert.Equal("Merchant is blocked", await GatewayAssert.FailAsync(create));
        Assert.Equal("Merchant is blocked", await GatewayAssert.FailAsync(proof));
        Assert.Empty(await sandbox.ListProofsAsync());
    }

    [Fact]
    public async Task Refuse_without_a_message_uses_a_default_one()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await sandbox.SetFaultAsync(new { mode = "REFUSE" });

        using var create = await sandbox.CreateDepositAsync("user-1");

        Assert.Equal("Payment method is temporarily unavailable", await GatewayAssert.FailAsync(create));
    }

    [Fact]
    public async Task Stall_handles_the_call_then_answers_late()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await sandbox.SetFaultAsync(new { mode = "stall", stallSeconds = 0.5 });
        var form = new ProofForm();
        var started = TimeProvider.System.GetTimestamp();

        using var response = await sandbox.SubmitProofAsync(form);

        // A timer may fire a tick early: the margin says "it stalled", not "to the millisecond".
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.4));
        Assert.Contains("\"status\":\"success\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(await sandbox.FindProofAsync(form.CustomTransactionId));
        var fault = await CurrentFaultAsync(sandbox);
        Assert.Equal(0.5, fault.GetProperty("stallSeconds").GetDouble());
    }

    [Fact]
    public async Task A_fault_with_seconds_ends_by_itself()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 27, 9, 0, 0, TimeSpan.Zero));
        await using var sandbox = await TestSandbox.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        await sandbox.SetFaultAsync(new { mode = "down", seconds = 30 });

        var fault = await CurrentFaultAsync(sandbox);
        Assert.Equal("down", fault.GetProperty("mode").GetString());
        Assert.Equal(time.GetUtcNow().AddSeconds(30), fault.GetProperty("until").GetDateTimeOffset());

        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal("none", (await CurrentFaultAsync(sandbox)).GetProperty("mode").GetString());
        using var create = await sandbox.CreateDepositAsync("user-1");
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
    }

    public static TheoryData<string, string> InvalidFaultRequests => new()
    {
        { """{"mode":"broken"}""", "mode" },
        { """{"mode":"1"}""", "mode" },
        { """{"mode":"down, stall"}""", "mode" },
        { """{}""", "mode" },
        { """{"mode":"down","seconds":0}""", "seconds" },
        { """{"mode":"stall","stallSeconds":-1}""", "stallSeconds" },
        { """{"mode":"stall","stallSeconds":100000}""", "stallSeconds" },
        { """{"mode":""", "body" },
        { "", "body" },
        { "null", "body" },
        { """{"mode":"down","seconds":"soon"}""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidFaultRequests))]
    public async Task Invalid_fault_request_answers_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.Http.PostAsync("/sandbox/faults", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal("none", (await CurrentFaultAsync(sandbox)).GetProperty("mode").GetString());
    }

    private static async Task<JsonElement> CurrentFaultAsync(TestSandbox sandbox) =>
        await sandbox.Http.GetFromJsonAsync<JsonElement>("/sandbox/faults");
}

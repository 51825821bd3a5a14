using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.Sandbox.Deposits;

namespace Paykassma.Sandbox.Tests.Deposits;

public sealed class SandboxCreateDepositTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-secret")]
    [InlineData("TEST-PLUGIN-SECRET")]
    public async Task Wrong_or_missing_secret_answers_404_like_the_gateway(string? secret)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.Http.PostAsJsonAsync(
            TestSandbox.CreateDepositPath(secret: secret), new { currency = "BTN", label = "user-1" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await sandbox.Http.GetFromJsonAsync<JsonElement[]>("/sandbox/deposits") ?? []);
    }

    [Fact]
    public async Task Secret_sent_twice_is_not_accepted()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.Http.PostAsJsonAsync(
            $"/api/v1/transaction/create/bnb_ml?secret={TestSandbox.Secret}&secret={TestSandbox.Secret}",
            new { currency = "BTN", label = "user-1" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Ok_answer_has_the_gateway_shape_with_spaced_keys_in_order()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.CreateDepositAsync("user-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var walletNumber = Requisites.WalletNumberFor("user-1");
        Assert.Equal(
            $$$"""{"status":"ok","params":{"Wallet number":"{{{walletNumber}}}","Account name":"Sandbox Merchant","is_check_amount":null}}""",
            await response.Content.ReadAsStringAsync());
        Assert.Matches("^[0-9]{10}$", walletNumber);
    }

    [Fact]
    public async Task Wallet_number_is_the_same_for_a_label_and_differs_between_labels()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        var first = await WalletNumberAsync(sandbox, "user-1");
        var again = await WalletNumberAsync(sandbox, "user-1");
        var other = await WalletNumberAsync(sandbox, "user-2");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Configured_extra_params_follow_the_known_ones()
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Sandbox:AccountName"] = "Druk Merchant",
            ["Sandbox:ExtraParams:Bank name"] = "Bank of Bhutan",
        });

        using var response = await sandbox.CreateDepositAsync("user-1");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var parameters = body.RootElement.GetProperty("params");
        Assert.Equal(
            ["Wallet number", "Account name", "is_check_amount", "Bank name"],
            parameters.EnumerateObject().Select(property => property.Name));
        Assert.Equal("Druk Merchant", parameters.GetProperty("Account name").GetString());
        Assert.Equal("Bank of Bhutan", parameters.GetProperty("Bank name").GetString());
    }

    [Theory]
    [InlineData(190, "a")]
    // PHP counts code points: 190 emoji are 380 UTF-16 units and still within the limit.
    [InlineData(190, "\U0001F600")]
    public async Task Label_at_the_limit_is_accepted(int count, string character)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.CreateDepositAsync(string.Concat(Enumerable.Repeat(character, count)));

        Assert.Contains("\"status\":\"ok\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> InvalidCreateCalls => new()
    {
        { "bnb_ml", "not json", """request body must be a JSON object like {"currency":"BTN","label":"user-1"}""" },
        { "bnb_ml", "", """request body must be a JSON object like {"currency":"BTN","label":"user-1"}""" },
        { "bnb_ml", "[1,2]", """request body must be a JSON object like {"currency":"BTN","label":"user-1"}""" },
        { "bnb_ml", """{"label":"u"}""", "currency is required" },
        { "bnb_ml", """{"currency":null,"label":"u"}""", "currency is required" },
        { "bnb_ml", """{"currency":64,"label":"u"}""", "currency must be a string" },
        { "bnb_ml", """{"currency":"USD","label":"u"}""", "currency must be BTN" },
        { "bnb_ml", """{"currency":"btn","label":"u"}""", "currency must be BTN" },
        { "bnb_ml", """{"currency":"BTNX","label":"u"}""", "currency must be at most 3 characters" },
        { "bnb_ml", """{"currency":"BTN"}""", "label is required" },
        { "bnb_ml", """{"currency":"BTN","label":""}""", "label must not be empty" },
        { "bnb_ml", """{"currency":"BTN","label":"   "}""", "label must not be empty" },
        { "bnb_ml", """{"currency":"BTN","label":["u"]}""", "label must be a string" },
        { "bnb_ml", $$"""{"currency":"BTN","label":"{{new string('a', 191)}}"}""", "label must be at most 190 characters" },
        { "other_ml", """{"currency":"BTN","label":"u"}""", "wallet_type must be bnb_ml" },
        { "bnb_ml", """{"currency":"USD","label":""}""", "currency must be BTN; label must not be empty" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreateCalls))]
    public async Task Invalid_call_answers_fail_with_a_message_naming_the_problem(string walletType, string body, string expectedMessage)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.Http.PostAsync(
            TestSandbox.CreateDepositPath(walletType), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expectedMessage, await GatewayAssert.FailAsync(response));
    }

    [Fact]
    public async Task Fail_http_status_is_configurable()
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:FailHttpStatus"] = "422" });

        using var response = await sandbox.CreateDepositAsync("user-1", currency: "USD");

        Assert.Equal("currency must be BTN", await GatewayAssert.FailAsync(response, expectedStatus: 422));
    }

    [Theory]
    [InlineData("fail-anything")]
    [InlineData("FAIL")]
    public async Task Label_starting_with_fail_is_refused(string label)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.CreateDepositAsync(label);

        Assert.Equal("Requisites are temporarily unavailable", await GatewayAssert.FailAsync(response));
    }

    [Fact]
    public async Task Label_starting_with_down_answers_503()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.CreateDepositAsync("down-1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Label_starting_with_stall_answers_ok_after_the_stall()
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:StallSeconds"] = "0.3" });
        var started = TimeProvider.System.GetTimestamp();

        using var response = await sandbox.CreateDepositAsync("stall-1");

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.3));
        Assert.Contains("\"status\":\"ok\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_calls_are_listed_newest_first_with_their_answers()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        (await sandbox.CreateDepositAsync("user-1")).Dispose();
        (await sandbox.CreateDepositAsync("fail-2")).Dispose();

        var calls = await sandbox.Http.GetFromJsonAsync<JsonElement[]>("/sandbox/deposits");

        Assert.Equal(["fail-2", "user-1"], calls!.Select(call => call.GetProperty("label").GetString()));
        Assert.All(calls!, call => Assert.Equal("BTN", call.GetProperty("currency").GetString()));
        Assert.Contains("Requisites are temporarily unavailable", calls![0].GetProperty("answer").GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains(Requisites.WalletNumberFor("user-1"), calls[1].GetProperty("answer").GetProperty("body").GetString(), StringComparison.Ordinal);

        using var cleared = await sandbox.Http.DeleteAsync("/sandbox/deposits");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(await sandbox.Http.GetFromJsonAsync<JsonElement[]>("/sandbox/deposits") ?? []);
    }

    private static async Task<string> WalletNumberAsync(TestSandbox sandbox, string label)
    {
        using var response = await sandbox.CreateDepositAsync(label);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("params").GetProperty("Wallet number").GetString()!;
    }
}

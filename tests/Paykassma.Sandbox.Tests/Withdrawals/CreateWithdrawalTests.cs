using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace Paykassma.Sandbox.Tests.Withdrawals;

public sealed partial class CreateWithdrawalTests
{
    [Fact]
    public async Task Valid_withdrawal_without_a_secret_is_answered_ok_and_remembered()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest().With("bank_details", new JsonObject { ["bank_code"] = "BNB", ["branch_code"] = "01" });
        var before = DateTimeOffset.UtcNow;

        using var response = await sandbox.CreateWithdrawalAsync(request);

        await WithdrawalAssert.OkAsync(response);
        var withdrawal = (await sandbox.FindWithdrawalAsync(request.WithdrawalId))!.Value;
        Assert.Equal(request.WithdrawalId, withdrawal.GetProperty("withdrawalId").GetString());
        Assert.Equal("sinpemovil", withdrawal.GetProperty("paymentSystem").GetString());
        Assert.Equal(1020, withdrawal.GetProperty("amount").GetInt64());
        Assert.Equal("BTN", withdrawal.GetProperty("currencyCode").GetString());
        Assert.True(withdrawal.GetProperty("isTest").GetBoolean());
        Assert.Equal("user-42", withdrawal.GetProperty("label").GetString());
        Assert.Equal("88123456", withdrawal.GetProperty("accountNumber").GetString());
        Assert.Equal("Dorji Wangmo", withdrawal.GetProperty("accountName").GetString());
        Assert.Equal("""{"bank_code":"BNB","branch_code":"01"}""", withdrawal.GetProperty("bankDetails").GetRawText());
        Assert.Matches("^[0-9]{12}$", withdrawal.GetProperty("transactionId").GetString()!);
        Assert.InRange(withdrawal.GetProperty("receivedAt").GetDateTimeOffset(), before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(1, withdrawal.GetProperty("plannedStatus").GetInt32());
        Assert.Equal(WithdrawalAssert.OkBody, withdrawal.GetProperty("answer").GetProperty("body").GetString());
        Assert.Equal(request.WithdrawalId, Assert.Single(await sandbox.ListWithdrawalsAsync()).GetProperty("withdrawalId").GetString());
    }

    [Fact]
    public async Task A_secret_sent_anyway_is_ignored_even_a_wrong_one()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());

        using var wrong = await sandbox.Http.PostAsync($"{WithdrawalRequest.Path}?secret=wrong", new WithdrawalRequest().ToContent());
        using var right = await sandbox.Http.PostAsync($"{WithdrawalRequest.Path}?secret={TestSandbox.Secret}", new WithdrawalRequest().ToContent());

        await WithdrawalAssert.OkAsync(wrong);
        await WithdrawalAssert.OkAsync(right);
    }

    public static TheoryData<string> BadSignatures => new() { "wrong-key", "uppercase", "other-amount", "empty", "not-a-string" };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Bad_signature_is_refused_with_the_gateways_words_and_nothing_is_stored(string how)
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest();
        var genuine = WithdrawalRequest.Sign(request.Fields, WithdrawalRequest.Key);
        var body = JsonNode.Parse(request.Body(signature: how switch
        {
            "wrong-key" => WithdrawalRequest.Sign(request.Fields, "another-key"),
            "uppercase" => genuine.ToUpperInvariant(),
            "other-amount" => WithdrawalRequest.Sign(((JsonObject)request.Fields.DeepClone()).Also(fields => fields["amount"] = 1021), WithdrawalRequest.Key),
            _ => "",
        }))!.AsObject();
        if (how == "not-a-string")
        {
            body["signature"] = 12345;
        }

        using var response = await sandbox.Http.PostAsync(WithdrawalRequest.Path, Json(body.ToJsonString()));

        if (how is "empty" or "not-a-string")
        {
            // A missing signature is a field rule; a wrong one is the gateway's signature refusal.
            var errors = await WithdrawalAssert.FieldErrorsAsync(response);
            Assert.Equal(["signature"], errors.EnumerateObject().Select(field => field.Name));
        }
        else
        {
            Assert.Equal("Withdrawal signature is invalid", await GatewayAssert.FailAsync(response));
        }

        Assert.Empty(await sandbox.ListWithdrawalsAsync());
        var logged = Assert.Single(await RequestsAsync(sandbox));
        Assert.Equal(response.StatusCode, (HttpStatusCode)logged.GetProperty("answer").GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Request_log_shows_the_joined_values_the_signature_must_cover()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest().With("withdrawal_id", "51_2788").With("is_test", false);

        (await sandbox.CreateWithdrawalAsync(request, key: "another-key")).Dispose();

        var logged = Assert.Single(await RequestsAsync(sandbox));
        Assert.Equal("Dorji Wangmo:88123456:1020:BTN::user-42:sinpemovil:51_2788", logged.GetProperty("joinedValues").GetString());
        Assert.Equal("51_2788", logged.GetProperty("withdrawalId").GetString());
        Assert.Equal("51_2788", logged.GetProperty("body").GetProperty("withdrawal_id").GetString());
    }

    [Fact]
    public async Task Without_a_key_payouts_are_off_every_withdrawal_is_refused_and_the_start_says_so()
    {
        var log = new Postbacks.CapturedLog();
        await using var sandbox = await TestSandbox.StartAsync(
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            builder => builder.Services.AddSingleton<ILogEventSink>(log));

        using var response = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest());

        Assert.Equal("Withdrawal signature is invalid", await GatewayAssert.FailAsync(response));
        Assert.Single(log.Lines, line => line.Contains("payouts are off", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Invalid_field_is_refused_laravel_style_naming_it_and_nothing_is_stored(string change, string field, string message)
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest();
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
        {
            if (name == "-")
            {
                request.Without((string)value!);
            }
            else
            {
                request.With(name, value?.DeepClone());
            }
        }

        using var response = await sandbox.CreateWithdrawalAsync(request);

        var errors = await WithdrawalAssert.FieldErrorsAsync(response);
        Assert.Equal([field], errors.EnumerateObject().Select(property => property.Name));
        Assert.Equal([message], errors.GetProperty(field).EnumerateArray().Select(text => text.GetString()));
        Assert.Empty(await sandbox.ListWithdrawalsAsync());
    }

    [Fact]
    public async Task Every_bad_field_is_named_in_one_answer()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest().With("amount", "x").With("label", "").With("account_name", "9").Without("currency_code");

        using var response = await sandbox.CreateWithdrawalAsync(request);

        var errors = await WithdrawalAssert.FieldErrorsAsync(response);
        Assert.Equal(["amount", "currency_code", "label", "account_name"], errors.EnumerateObject().Select(property => property.Name));
    }

    [Theory]
    [InlineData("not json", "application/json")]
    [InlineData("[1,2]", "application/json")]
    [InlineData("""{"withdrawal_id":"w\ud800"}""", "application/json")]
    [InlineData("""{"withdrawal_id":"w-1"}""", "text/plain")]
    public async Task A_body_that_is_not_a_json_object_is_refused_as_such(string body, string contentType)
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());

        using var response = await sandbox.Http.PostAsync(WithdrawalRequest.Path, new StringContent(body, Encoding.UTF8, contentType));

        var errors = await WithdrawalAssert.FieldErrorsAsync(response);
        Assert.Equal(["body"], errors.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public async Task A_field_sent_twice_is_refused_as_ambiguous()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var body = new WithdrawalRequest().Body();
        body = body.Insert(1, "\"amount\":1,");

        using var response = await sandbox.Http.PostAsync(WithdrawalRequest.Path, Json(body));

        var errors = await WithdrawalAssert.FieldErrorsAsync(response);
        Assert.Equal(["The amount field must be sent once."], errors.GetProperty("amount").EnumerateArray().Select(text => text.GetString()));
    }

    [Fact]
    public async Task Repeated_withdrawal_id_is_answered_already_taken_and_the_first_is_kept()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var first = new WithdrawalRequest();
        var again = new WithdrawalRequest().With("withdrawal_id", first.WithdrawalId).With("amount", 5);
        (await sandbox.CreateWithdrawalAsync(first)).Dispose();

        using var same = await sandbox.CreateWithdrawalAsync(first);
        using var other = await sandbox.CreateWithdrawalAsync(again);

        const string taken = """{"status":"fail","message":{"withdrawal_id":["The withdrawal id has already been taken."]}}""";
        Assert.Equal(taken, await same.Content.ReadAsStringAsync());
        Assert.Equal(taken, await other.Content.ReadAsStringAsync());
        var kept = (await sandbox.FindWithdrawalAsync(first.WithdrawalId))!.Value;
        Assert.Equal(1020, kept.GetProperty("amount").GetInt64());
        Assert.Equal(2, kept.GetProperty("repeatedSubmissions").GetInt32());
    }

    [Fact]
    public async Task Concurrent_requests_with_one_id_store_it_once()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sandbox.CreateWithdrawalAsync(request)));
        var bodies = await Task.WhenAll(responses.Select(response => response.Content.ReadAsStringAsync()));

        Assert.Single(bodies, body => body == WithdrawalAssert.OkBody);
        Assert.Equal(19, bodies.Count(body => body.Contains("has already been taken", StringComparison.Ordinal)));
        Assert.Single(await sandbox.ListWithdrawalsAsync());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Amount_over_the_balance_is_refused_and_a_cancelled_payout_gives_its_amount_back()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(("Sandbox:WithdrawalBalance", "1000")));
        var first = new WithdrawalRequest().With("amount", 600);
        (await sandbox.CreateWithdrawalAsync(first)).Dispose();

        using var over = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("amount", 401));

        Assert.Equal(
            """{"status":"fail","message":{"withdrawals_sum_amount":["Insufficient balance"]}}""",
            await over.Content.ReadAsStringAsync());
        Assert.Single(await sandbox.ListWithdrawalsAsync());
        var balance = await sandbox.Http.GetFromJsonAsync<JsonElement>("/sandbox/withdrawal-balance");
        Assert.Equal((1000, 600, 400), (balance.GetProperty("balance").GetInt64(), balance.GetProperty("held").GetInt64(), balance.GetProperty("available").GetInt64()));

        using var settled = await sandbox.Http.PostAsJsonAsync($"/sandbox/withdrawals/{first.WithdrawalId}/settle", new { withdrawalStatus = 6 });
        Assert.Equal(HttpStatusCode.Created, settled.StatusCode);
        using var fits = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("amount", 1000));
        await WithdrawalAssert.OkAsync(fits);
    }

    [Fact]
    public async Task Fail_http_status_setting_applies_to_withdrawal_refusals()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(("Sandbox:FailHttpStatus", "422")));

        using var invalid = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest().With("amount", 0));
        using var unsigned = await sandbox.CreateWithdrawalAsync(new WithdrawalRequest(), key: "another-key");

        await WithdrawalAssert.FieldErrorsAsync(invalid, expectedStatus: 422);
        Assert.Equal("Withdrawal signature is invalid", await GatewayAssert.FailAsync(unsigned, expectedStatus: 422));
    }

    [Fact]
    public async Task Forgetting_withdrawals_frees_their_ids()
    {
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings());
        var request = new WithdrawalRequest();
        (await sandbox.CreateWithdrawalAsync(request)).Dispose();

        (await sandbox.Http.DeleteAsync("/sandbox/withdrawals")).Dispose();
        using var again = await sandbox.CreateWithdrawalAsync(request);

        await WithdrawalAssert.OkAsync(again);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Http.GetAsync("/sandbox/withdrawals/never-sent")).StatusCode);
        Assert.Equal(
            long.Parse("10000000", CultureInfo.InvariantCulture) - 1020,
            (await sandbox.Http.GetFromJsonAsync<JsonElement>("/sandbox/withdrawal-balance")).GetProperty("available").GetInt64());
    }
}

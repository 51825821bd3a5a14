using System.Net;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.PluginApi.Withdrawals;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>Creating a payout: who may, what is stored before the gateway hears of it, and what the gateway is sent.</summary>
[Collection(PayoutCollection.Name)]
public sealed class PayoutCreationTests(PayoutApiFactory api)
{
    [Fact]
    public async Task A_payout_below_the_threshold_is_stored_then_sent_signed_under_its_own_withdrawal_id()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var body = PayoutScript.Body(label);
        body["bankDetails"] = new System.Text.Json.Nodes.JsonObject { ["bank_code"] = "BNB" };

        var response = await api.BackOfficeClient().CreateAsync(body, "ref-" + label);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var payout = await response.JsonAsync();
        Assert.Equal("sent", payout.GetProperty("status").GetString());
        var withdrawalId = payout.GetProperty("withdrawalId").GetString()!;
        Assert.InRange(withdrawalId.Length, 1, 36);
        Assert.Equal($"/api/payouts/{payout.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);

        var sent = Assert.Single(api.Gateway.WithdrawalRequestsFor(label));
        Assert.Equal(withdrawalId, sent.GetProperty("withdrawal_id").GetString());
        Assert.Equal("sinpemovil", sent.GetProperty("payment_system").GetString());
        Assert.Equal(1020, sent.GetProperty("amount").GetInt32());
        Assert.Equal("BTN", sent.GetProperty("currency_code").GetString());
        Assert.False(sent.GetProperty("is_test").GetBoolean());
        Assert.Equal(PayoutScript.AccountFor(label), sent.GetProperty("account_number").GetString());
        Assert.Equal("Dorji Wangmo", sent.GetProperty("account_name").GetString());
        Assert.Equal("BNB", sent.GetProperty("bank_details").GetProperty("bank_code").GetString());
        var fields = sent.EnumerateObject().Where(p => p.Name != "signature").ToDictionary(p => p.Name, p => p.Value.ValueKind switch
        {
            JsonValueKind.Number => (object?)p.Value.GetInt32(),
            JsonValueKind.True or JsonValueKind.False => p.Value.GetBoolean(),
            JsonValueKind.Object => p.Value.EnumerateObject().ToDictionary(d => d.Name, d => d.Value.GetString()),
            _ => p.Value.GetString(),
        });
        Assert.Equal(WithdrawalSignature.Compute(fields, MerchantApiFactory.WithdrawalPrivateKey), sent.GetProperty("signature").GetString());

        // Sent without the plugin secret: the pages show this endpoint authenticated by its signature alone.
        var url = api.Gateway.LogEntries.Last(e => e.RequestMessage?.Path == PayoutScript.WithdrawalPath).RequestMessage!.AbsoluteUrl;
        Assert.DoesNotContain("secret", url, StringComparison.OrdinalIgnoreCase);

        var stored = await api.BackOfficeClient().GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal("sent", (await stored.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT count(*) FROM payout_attempts a JOIN payouts p ON p.id = a.payout_id WHERE p.label = @l AND a.outcome = 'sent'", ("l", label)));
    }

    [Fact]
    public async Task Only_the_payouts_role_creates_payouts_and_only_the_creator_reads_them()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);

        var frontend = await api.ClientFor(label).CreateAsync(PayoutScript.Body(label), "k1-" + label);
        var ops = await api.ClientFor("ops-user", ops: true).CreateAsync(PayoutScript.Body(label), "k2-" + label);
        var anonymous = await api.CreateClient().CreateAsync(PayoutScript.Body(label), "k3-" + label);

        Assert.Equal(HttpStatusCode.Forbidden, frontend.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, ops.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", frontend.Content.Headers.ContentType?.MediaType);
        Assert.Empty(api.Gateway.WithdrawalRequestsFor(label));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM payouts WHERE label = @l", ("l", label)));

        var created = await api.BackOfficeClient("back-office-a").CreateAsync(PayoutScript.Body(label), "k4-" + label);
        var location = created.Headers.Location;
        Assert.Equal(HttpStatusCode.OK, (await api.BackOfficeClient("back-office-a").GetAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.BackOfficeClient("back-office-b").GetAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.ClientFor(label).GetAsync(location)).StatusCode);
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"amount":100,"accountNumber":"123","accountName":"A B"}""", "label" },
        { """{"label":"","amount":100,"accountNumber":"123","accountName":"A B"}""", "label" },
        { """{"label":"0123456789012345678901234567890123456","amount":100,"accountNumber":"123","accountName":"A B"}""", "label" },
        { """{"label":"u","amount":0,"accountNumber":"123","accountName":"A B"}""", "amount" },
        { """{"label":"u","amount":-5,"accountNumber":"123","accountName":"A B"}""", "amount" },
        { """{"label":"u","amount":200001,"accountNumber":"123","accountName":"A B"}""", "amount" },
        { """{"label":"u","amount":100,"accountNumber":"12a3","accountName":"A B"}""", "accountNumber" },
        { """{"label":"u","amount":100,"accountNumber":"123","accountName":"Dorji\nWangmo"}""", "accountName" },
        { """{"label":"u","amount":100,"accountNumber":"123","accountName":"Дорджи"}""", "accountName" },
        { """{"label":"u","amount":100,"accountNumber":"123","accountName":"   "}""", "accountName" },
        { """{"label":"u","amount":100,"accountNumber":"123","accountName":"A","bankDetails":{"bank_code":{"x":1}}}""", "bankDetails" },
        { """{"label":"u","amount":100,"accountNumber":"123","accountName":"A","bankDetails":{"Bank Code":"x"}}""", "bankDetails" },
        { """{"label":"u","amount":100,"accountNumber":"123","accountName":"A","bankDetails":{}}""", "bankDetails" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task A_payout_the_gateway_would_refuse_for_its_shape_is_a_400_that_writes_nothing(string json, string field)
    {
        var key = "bad-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);

        var response = await api.BackOfficeClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM payouts WHERE idempotency_key = @k", ("k", key)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    public async Task The_idempotency_key_is_required_and_must_be_well_formed(string? key)
    {
        var label = PayoutScript.NewLabel();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts") { Content = System.Net.Http.Json.JsonContent.Create(PayoutScript.Body(label)) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        var response = await api.BackOfficeClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(0, await api.ScalarAsync<int>("SELECT count(*) FROM payouts WHERE label = @l", ("l", label)));
    }

    [Fact]
    public async Task The_same_key_and_body_answer_the_same_payout_and_another_body_is_a_422()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var client = api.BackOfficeClient();

        var first = await client.CreateAsync(PayoutScript.Body(label), "same-" + label);
        var again = await client.CreateAsync(PayoutScript.Body(label), "same-" + label);
        var other = await client.CreateAsync(PayoutScript.Body(label, amount: 1021), "same-" + label);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal((await first.JsonAsync()).GetProperty("id").GetGuid(), (await again.JsonAsync()).GetProperty("id").GetGuid());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.EndsWith("/idempotency-key-reused", (await other.JsonAsync()).GetProperty("type").GetString());
        Assert.Single(api.Gateway.WithdrawalRequestsFor(label));
        // The key belongs to its creator: another back office may use the same reference for its own payout.
        var otherCreator = await api.BackOfficeClient("another-ledger").CreateAsync(PayoutScript.Body(label), "same-" + label);
        Assert.NotEqual((await first.JsonAsync()).GetProperty("id").GetGuid(), (await otherCreator.JsonAsync()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_key_store_one_payout_and_send_it_once()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok, delay: TimeSpan.FromMilliseconds(300));
        var client = api.BackOfficeClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.CreateAsync(PayoutScript.Body(label), "race-" + label)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        var statuses = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("status").GetString()));
        Assert.All(statuses, s => Assert.Equal("sent", s));
        Assert.Single(api.Gateway.WithdrawalRequestsFor(label));
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT count(*) FROM payouts WHERE label = @l", ("l", label)));
    }

    [Fact]
    public async Task A_refusal_is_kept_readable_and_a_refused_signature_is_said_plainly_to_ops()
    {
        var poor = PayoutScript.NewLabel();
        var badSignature = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(poor, """{"status":"fail","message":{"withdrawals_sum_amount":["Insufficient balance"]}}""");
        api.Gateway.AnswersWithdrawal(badSignature, """{"status":"fail","message":"Withdrawal signature is invalid"}""");

        var refused = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(poor), "r-" + poor)).JsonAsync();
        var unsigned = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(badSignature), "r-" + badSignature)).JsonAsync();

        Assert.Equal("refused", refused.GetProperty("status").GetString());
        Assert.Equal("withdrawals_sum_amount: Insufficient balance", refused.GetProperty("gatewayMessage").GetString());
        Assert.Equal("refused", unsigned.GetProperty("status").GetString());
        Assert.Equal("Withdrawal signature is invalid", unsigned.GetProperty("gatewayMessage").GetString());
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error
            && r.Message.Contains("Withdrawal signature is invalid", StringComparison.Ordinal)
            && r.Message.Contains("inferred", StringComparison.Ordinal));
        var metrics = await api.CreateClient().GetStringAsync("/metrics");
        Assert.Matches(@"paykassma_payouts_signature_refused_total(\{[^}]*\})? [1-9]", metrics);
        Assert.Matches(@"paykassma_payouts_total\{[^}]*status=""refused""[^}]*\} [1-9]", metrics);
    }

    [Fact]
    public async Task No_key_reaches_a_log_a_response_or_the_metrics()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, """{"status":"fail","message":"Withdrawal signature is invalid"}""");

        var response = await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "s-" + label);
        var body = await response.Content.ReadAsStringAsync();
        var detail = await api.ClientWithRoles("ops-a", "ops").GetStringAsync($"/api/ops/payouts/{(await response.JsonAsync()).GetProperty("id").GetGuid()}");
        var metrics = await api.CreateClient().GetStringAsync("/metrics");

        foreach (var secret in new[] { MerchantApiFactory.WithdrawalPrivateKey, MerchantApiFactory.PluginSecret, MerchantApiFactory.PostbackPrivateKey })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, detail, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, metrics, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, api.AllLogText(), StringComparison.Ordinal);
        }
    }
}

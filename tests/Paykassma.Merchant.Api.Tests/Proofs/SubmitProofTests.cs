using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Proofs;

[Collection(ProofCollection.Name)]
public sealed class SubmitProofTests(FastDispatcherFactory api)
{
    private readonly string _label = GatewayScript.NewLabel("payer");

    private Task<string?> ProofStatusAsync(Guid depositId) =>
        api.ScalarAsync<string>("SELECT status FROM proofs WHERE deposit_id = @d ORDER BY created_at DESC LIMIT 1", ("d", depositId));

    private Task<string?> DepositStatusAsync(Guid depositId) =>
        api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @d", ("d", depositId));

    [Fact]
    public async Task The_gateway_receives_every_field_by_its_exact_name_and_the_screenshots_exact_bytes()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);
        var screenshot = ProofScript.Png(300_000, seed: 42);
        using var client = api.ClientFor(_label);

        var response = await client.UploadAsync(depositId, ProofScript.Form("293397556789", "300", screenshot, "IMG_0042.PNG"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var proof = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("forwarded", proof.GetProperty("status").GetString());
        var customId = proof.GetProperty("customTransactionId").GetString()!;

        var call = Assert.Single(api.Gateway.ProofCallsFor(_label));
        Assert.Equal(MerchantApiFactory.PluginSecret, call.Query!["secret"].Single());
        var parts = await ProofScript.ReadMultipartAsync(call);
        Assert.Equal(["currency_code", "wallet_type", "label", "key1", "amount", "custom_transaction_id", "screenshot"], parts.Keys.ToArray());
        Assert.Equal("BTN", ProofScript.Text(parts["currency_code"].Bytes));
        Assert.Equal("bnb_ml", ProofScript.Text(parts["wallet_type"].Bytes));
        Assert.Equal(_label, ProofScript.Text(parts["label"].Bytes));
        Assert.Equal("293397556789", ProofScript.Text(parts["key1"].Bytes));
        Assert.Equal("300", ProofScript.Text(parts["amount"].Bytes));
        Assert.Equal(customId, ProofScript.Text(parts["custom_transaction_id"].Bytes));
        Assert.Equal("image/png", parts["screenshot"].ContentType);
        Assert.Equal(customId + ".png", parts["screenshot"].FileName);
        Assert.Equal(screenshot, parts["screenshot"].Bytes);

        Assert.Equal("pending_confirmation", await DepositStatusAsync(depositId));
        var stored = await api.ScalarAsync<long>("SELECT length(data) FROM proof_screenshots s JOIN proofs p ON p.id = s.proof_id WHERE p.deposit_id = @d", ("d", depositId));
        Assert.Equal(screenshot.Length, stored);
    }

    [Fact]
    public async Task A_refused_proof_is_422_with_the_gateways_message_and_rejected_and_another_proof_may_follow()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label, """{"status":"fail","message":"Transaction not found"}""");
        using var client = api.ClientFor(_label);
        var number = ProofScript.NewTransactionNumber();

        var response = await client.UploadAsync(depositId, ProofScript.Form(number));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/proof-rejected", problem.GetProperty("type").GetString());
        Assert.Equal("Transaction not found", problem.GetProperty("gatewayMessage").GetString());
        Assert.Equal("rejected", problem.GetProperty("proof").GetProperty("status").GetString());
        Assert.Equal("rejected", await ProofStatusAsync(depositId));

        var deposit = await client.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositId}");
        var shown = Assert.Single(deposit.GetProperty("proofs").EnumerateArray());
        Assert.Equal("rejected", shown.GetProperty("status").GetString());
        Assert.Equal("Transaction not found", shown.GetProperty("gatewayMessage").GetString());

        // The same transaction number may be sent again once the first proof was rejected.
        var again = await client.UploadAsync(depositId, ProofScript.Form(number));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Equal(2, api.Gateway.ProofCallsFor(_label).Count);
    }

    [Fact]
    public async Task Gateway_down_queues_the_proof_and_the_dispatcher_delivers_it_once_when_the_gateway_returns()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label, "down", status: 503);
        using var client = api.ClientFor(_label);

        var response = await client.UploadAsync(depositId, ProofScript.Form());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var proof = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", proof.GetProperty("status").GetString());
        Assert.Equal("proof_submitted", await DepositStatusAsync(depositId));

        // Still down for a while: the dispatcher keeps trying (submitting) and re-queueing it.
        await Task.Delay(700);
        Assert.Contains(await ProofStatusAsync(depositId), new[] { "queued", "submitting" });

        var failedCalls = api.Gateway.ProofCallsFor(_label).Count;
        api.Gateway.AnswersProof(_label);
        var status = await Eventually.WaitForAsync(() => ProofStatusAsync(depositId), s => s == "forwarded");

        Assert.Equal("forwarded", status);
        Assert.Equal("pending_confirmation", await DepositStatusAsync(depositId));
        await Task.Delay(500);
        Assert.Equal(1, api.Gateway.AnsweredProofCallsFor(_label));
        Assert.True(api.Gateway.ProofCallsFor(_label).Count > failedCalls);
    }

    [Fact]
    public async Task A_timeout_then_already_exists_counts_as_forwarded_not_rejected()
    {
        // The collection's service gives the gateway 30 s per attempt; the first attempt must time out here.
        await using var impatient = new MerchantApiFactory().WithShortGatewayTimeouts();
        await impatient.InitializeAsync();
        var depositId = await impatient.CreateDepositAsync(_label);
        impatient.Gateway.Given(ProofScript.ProofCallFor(_label)).InScenario(_label).WillSetStateTo("known")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithDelay(TimeSpan.FromSeconds(8)).WithBody(ProofScript.SuccessBody));
        impatient.Gateway.Given(ProofScript.ProofCallFor(_label)).InScenario(_label).WhenStateIs("known")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithBody("""{"status":"fail","message":"custom_transaction_id already exists"}"""));
        using var client = impatient.ClientFor(_label);

        var response = await client.UploadAsync(depositId, ProofScript.Form());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var proof = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("forwarded", proof.GetProperty("status").GetString());
        Assert.Contains("already exists", proof.GetProperty("gatewayMessage").GetString());
        Assert.True(await impatient.ScalarAsync<bool>("SELECT outcome_uncertain FROM proofs WHERE deposit_id = @d", ("d", depositId)));
    }

    [Fact]
    public async Task A_retry_refused_because_the_transaction_number_is_already_used_is_rejected_not_counted_as_delivered()
    {
        var depositId = await api.CreateDepositAsync(_label);
        // A 500 leaves the first attempt's outcome unknown; the retry is then refused about key1, not our id.
        api.Gateway.Given(ProofScript.ProofCallFor(_label)).InScenario(_label).WillSetStateTo("answering")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(500).WithBody("oops"));
        api.Gateway.Given(ProofScript.ProofCallFor(_label)).InScenario(_label).WhenStateIs("answering")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithBody("""{"status":"fail","message":"Transaction number already used"}"""));
        using var client = api.ClientFor(_label);

        var response = await client.UploadAsync(depositId, ProofScript.Form());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/proof-rejected", problem.GetProperty("type").GetString());
        Assert.Equal("Transaction number already used", problem.GetProperty("gatewayMessage").GetString());
        Assert.Equal(2, api.Gateway.ProofCallsFor(_label).Count);
        Assert.Equal("rejected", await ProofStatusAsync(depositId));
        Assert.Equal("proof_submitted", await DepositStatusAsync(depositId));
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_answer_with_one_proof_and_one_gateway_call()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label, delay: TimeSpan.FromMilliseconds(500));
        var key = Guid.NewGuid().ToString();
        var number = ProofScript.NewTransactionNumber();
        var screenshot = ProofScript.Png(seed: 9);
        var clients = Enumerable.Range(0, 4).Select(_ => api.ClientFor(_label)).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.UploadAsync(depositId, ProofScript.Form(number, screenshot: screenshot), key)));
        var again = await clients[0].UploadAsync(depositId, ProofScript.Form(number, screenshot: screenshot), key);

        Assert.All(responses.Append(again), r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Append(again).Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Single(bodies.Select(b => b.GetProperty("id").GetGuid()).Distinct());
        Assert.All(bodies, b => Assert.Equal("forwarded", b.GetProperty("status").GetString()));
        Assert.Single(api.Gateway.ProofCallsFor(_label));
        Assert.Equal(1, await api.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE deposit_id = @d", ("d", depositId)));

        var otherProof = await clients[0].UploadAsync(depositId, ProofScript.Form(transactionNumber: "999999999991", screenshot: screenshot), key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherProof.StatusCode);
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_second_pending_proof_with_the_same_transaction_number_is_409()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);
        using var client = api.ClientFor(_label);

        var number = ProofScript.NewTransactionNumber();

        var first = await client.UploadAsync(depositId, ProofScript.Form(number));
        var second = await client.UploadAsync(depositId, ProofScript.Form(number));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.EndsWith("/duplicate-proof", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Single(api.Gateway.ProofCallsFor(_label));
    }

    [Fact]
    public async Task A_confirmed_deposit_accepts_no_more_proofs()
    {
        var depositId = await api.CreateDepositAsync(_label);
        await api.ScalarAsync<int>("UPDATE deposits SET status = 'confirmed' WHERE id = @d", ("d", depositId));
        using var client = api.ClientFor(_label);

        var response = await client.UploadAsync(depositId, ProofScript.Form());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/deposit-closed", problem.GetProperty("type").GetString());
        Assert.Empty(api.Gateway.ProofCallsFor(_label));
    }

    [Fact]
    public async Task A_proof_whose_first_attempt_died_with_its_process_is_delivered_by_the_dispatcher()
    {
        var depositId = await api.CreateDepositAsync(_label);
        api.Gateway.AnswersProof(_label);
        var proofId = Guid.CreateVersion7();
        // What a crash mid-call leaves behind: submitting, with a lease that has lapsed.
        await api.ScalarAsync<int>("""
            INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, attempts,
                attempt_limit, outcome_uncertain, next_attempt_at, request_hash, screenshot_file_name, screenshot_content_type,
                screenshot_size, screenshot_sha256, created_at, updated_at)
            VALUES (@id, @d, @l, @c, @n, 300, 'submitting', 1, 10, false, now() - interval '1 minute', 'h',
                'a.png', 'image/png', 4, 'x', now(), now());
            INSERT INTO proof_screenshots (proof_id, data) VALUES (@id, '\x89504e47');
            """, ("id", proofId), ("d", depositId), ("l", _label), ("c", "pm_" + proofId.ToString("N")), ("n", ProofScript.NewTransactionNumber()));

        var status = await Eventually.WaitForAsync(() => ProofStatusAsync(depositId), s => s == "forwarded");

        Assert.Equal("forwarded", status);
        Assert.True(await api.ScalarAsync<bool>("SELECT outcome_uncertain FROM proofs WHERE id = @id", ("id", proofId)));
        var call = Assert.Single(api.Gateway.ProofCallsFor(_label));
        var parts = await ProofScript.ReadMultipartAsync(call);
        Assert.Equal("pm_" + proofId.ToString("N"), ProofScript.Text(parts["custom_transaction_id"].Bytes));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4e, 0x47 }, parts["screenshot"].Bytes);
    }
}

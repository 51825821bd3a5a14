using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Sandbox.Tests.Postbacks;

/// <summary><c>POST /sandbox/postbacks</c>: each kind, as the merchant's parser and verifier see it.</summary>
public sealed class PostbackTriggerTests
{
    private static readonly object Transaction = new { kind = "transaction", customTransactionId = "order-1", amount = 300, label = "user-1" };

    [Fact]
    public async Task Transaction_is_sent_at_once_and_answers_with_the_record_and_the_merchants_answer()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();

        var record = await sandbox.TriggerAsync(Transaction);

        var body = Assert.Single(sandbox.Receiver.Received).Body;
        Assert.Equal(Encoding.UTF8.GetString(body), record.GetProperty("body").GetString());
        Assert.Equal("transaction", record.GetProperty("kind").GetString());
        Assert.Equal("control", record.GetProperty("source").GetString());
        Assert.Equal("delivered", record.GetProperty("state").GetString());
        Assert.True(record.GetProperty("genuineSignature").GetBoolean());
        Assert.Equal("""{"status":"ok"}""", record.GetProperty("attempts")[0].GetProperty("answer").GetString());
        Assert.Equal(200, record.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32());

        var parsed = PostbackSandbox.Parse(body);
        Assert.True(sandbox.Verifier.Verify(parsed).IsVerified);
        var item = parsed.Transactions.Single();
        Assert.Equal("order-1", item.CustomOrderId);
        Assert.Equal(300m, item.Amount);
        Assert.Matches("^[0-9]{12}$", item.TransactionId);
        Assert.Equal(record.GetProperty("transactionId").GetString(), item.TransactionId);
        Assert.Equal("user-1", parsed.Unsigned.Label);

        using var raw = await sandbox.Http.GetAsync($"/sandbox/postbacks/{record.GetProperty("id").GetInt64()}/body");
        Assert.Equal("application/json", raw.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await raw.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Transaction_takes_amount_label_and_transaction_id_from_the_proof_it_names()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var form = new ProofForm().With("amount", "1250").With("label", "user-99");
        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        await sandbox.Receiver.WaitForAsync(1);
        var proof = (await sandbox.Sandbox.FindProofAsync(form.CustomTransactionId))!.Value;

        await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = form.CustomTransactionId });
        await sandbox.TriggerAsync(new { kind = "transaction", proof = form.CustomTransactionId, amount = 5 });

        var received = await sandbox.Receiver.WaitForAsync(3);
        var byCustomId = PostbackSandbox.Parse(received[1].Body);
        Assert.Equal(1250m, byCustomId.Transactions.Single().Amount);
        Assert.Equal("user-99", byCustomId.Unsigned.Label);
        Assert.Equal(proof.GetProperty("transactionId").GetString(), byCustomId.Transactions.Single().TransactionId);
        var byProof = PostbackSandbox.Parse(received[2].Body);
        Assert.Equal(5m, byProof.Transactions.Single().Amount);
        Assert.Equal(form.CustomTransactionId, byProof.Transactions.Single().CustomOrderId);
        Assert.Equal(3, (await sandbox.ListAsync(form.CustomTransactionId)).Length);
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("tampered_signed")]
    public async Task Forged_and_tampered_signed_postbacks_do_not_verify_and_are_sent_once(string kind)
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        // A merchant that verifies answers fail; the sandbox must not resend a forgery anyway.
        sandbox.Receiver.Script(ReceiverAnswer.Fail);

        var record = await sandbox.TriggerAsync(new { kind, customTransactionId = "order-1", amount = 300, label = "user-1" });

        var body = Assert.Single(sandbox.Receiver.Received).Body;
        var verification = sandbox.Verify(body);
        Assert.False(verification.IsVerified);
        Assert.Equal(PostbackRejectReasons.BadSignature, verification.RejectReason);
        Assert.False(record.GetProperty("genuineSignature").GetBoolean());
        Assert.Equal("sent_once", record.GetProperty("state").GetString());
        Assert.Equal("""{"status":"fail","message":"try later"}""", record.GetProperty("attempts")[0].GetProperty("answer").GetString());
        await sandbox.Receiver.AssertNoMoreThanAsync(1, TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Tampered_signed_changes_the_signed_amount_after_signing()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();

        var record = await sandbox.TriggerAsync(new { kind = "tampered_signed", customTransactionId = "order-1", amount = 300, label = "user-1", tamperedAmount = 30000 });

        var parsed = PostbackSandbox.Parse(sandbox.Receiver.Received[0].Body);
        Assert.Equal(30000m, parsed.Transactions.Single().Amount);
        Assert.Equal("30000", parsed.Unsigned.AmountText);
        Assert.Equal("30000", record.GetProperty("signedAmount").GetString());
        Assert.False(sandbox.Verifier.Verify(parsed).IsVerified);
    }

    [Fact]
    public async Task Tampered_verifies_but_its_top_level_amount_and_label_differ_from_the_signed_values()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var form = new ProofForm().With("amount", "300").With("label", "user-1");
        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        await sandbox.Receiver.WaitForAsync(1);

        var record = await sandbox.TriggerAsync(new { kind = "tampered", proof = form.CustomTransactionId, topLevelAmount = 999999, topLevelLabel = "attacker" });

        var received = await sandbox.Receiver.WaitForAsync(2);
        var parsed = PostbackSandbox.Parse(received[1].Body);
        Assert.True(sandbox.Verifier.Verify(parsed).IsVerified);
        Assert.Equal("999999", parsed.Unsigned.AmountText);
        Assert.Equal("attacker", parsed.Unsigned.Label);
        Assert.Equal(300m, parsed.Transactions.Single().Amount);
        Assert.Equal(form.CustomTransactionId, parsed.Transactions.Single().CustomOrderId);
        Assert.True(record.GetProperty("genuineSignature").GetBoolean());
        Assert.Equal(999999, record.GetProperty("amount").GetInt64());
        Assert.Equal("300", record.GetProperty("signedAmount").GetString());
        Assert.Equal("sent_once", record.GetProperty("state").GetString());

        // Keys stay where the gateway puts them: only the values differ from a genuine postback.
        using var document = JsonDocument.Parse(received[1].Body);
        Assert.Equal(
            ["signature", "wallet_type", "amount", "currency_code", "label", "direction", "created_datetime", "access_key", "additional_data"],
            document.RootElement.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public async Task Tampered_without_values_multiplies_the_top_level_amount()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();

        await sandbox.TriggerAsync(new { kind = "tampered", customTransactionId = "order-1", amount = 300, label = "user-1" });

        var parsed = PostbackSandbox.Parse(sandbox.Receiver.Received[0].Body);
        Assert.Equal("3000", parsed.Unsigned.AmountText);
        Assert.Equal("user-1", parsed.Unsigned.Label);
        Assert.Equal("300", parsed.Transactions.Single().AmountText);
    }

    [Fact]
    public async Task Duplicate_sends_byte_identical_bodies_also_concurrently()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:PostbackWireEncoding"] = "pretty" });
        var original = await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = "order/ü", amount = 300, label = "user-1" });
        await sandbox.TriggerAsync(Transaction);

        var latest = await sandbox.TriggerAsync(new { kind = "duplicate" });
        var copies = await sandbox.TriggerAsync(new { kind = "duplicate", of = original.GetProperty("id").GetInt64(), count = 5 });

        var received = sandbox.Receiver.Received;
        Assert.Equal(8, received.Length);
        Assert.Equal(received[1].Body, received[2].Body);
        Assert.All(received[3..], copy => Assert.Equal(received[0].Body, copy.Body));
        Assert.All(received, postback => Assert.True(sandbox.Verify(postback.Body).IsVerified));

        Assert.Equal("duplicate", copies.GetProperty("kind").GetString());
        Assert.Equal(original.GetProperty("id").GetInt64(), copies.GetProperty("duplicateOf").GetInt64());
        Assert.Equal(original.GetProperty("body").GetString(), copies.GetProperty("body").GetString());
        Assert.Equal("order/ü", copies.GetProperty("customTransactionId").GetString());
        Assert.Equal(5, copies.GetProperty("attempts").GetArrayLength());
        Assert.Equal("sent_once", copies.GetProperty("state").GetString());
        Assert.Equal(latest.GetProperty("duplicateOf").GetInt64(), original.GetProperty("id").GetInt64() + 1);
    }

    [Fact]
    public async Task Withdrawal_is_outgoing_with_the_withdrawal_fields_and_verifies()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();

        var record = await sandbox.TriggerAsync(new { kind = "withdrawal", amount = 700, withdrawalId = 5531, label = "user-5" });
        var byDefault = await sandbox.TriggerAsync(new { kind = "withdrawal", amount = 20, withdrawalStatus = 5, accountNumber = "77700011" });

        var received = sandbox.Receiver.Received;
        var parsed = PostbackSandbox.Parse(received[0].Body);
        Assert.True(sandbox.Verifier.Verify(parsed).IsVerified);
        Assert.Equal("outgoing", parsed.Unsigned.Direction);
        Assert.Equal("user-5", parsed.Unsigned.Label);
        var item = parsed.Transactions.Single();
        Assert.Equal(1, item.TransactionType);
        Assert.Null(item.CustomOrderId);
        Assert.Equal("5531", item.WithdrawalId);
        Assert.Equal(1, item.WithdrawalStatus);
        Assert.Equal("88812345", item.AccountNumber);
        Assert.Equal(700m, item.Amount);
        Assert.Equal("delivered", record.GetProperty("state").GetString());
        Assert.Equal("5531", record.GetProperty("withdrawalId").GetString());
        Assert.Equal(1, record.GetProperty("withdrawalStatus").GetInt32());
        Assert.Equal("outgoing", record.GetProperty("direction").GetString());

        using var document = JsonDocument.Parse(received[0].Body);
        var raw = document.RootElement.GetProperty("additional_data")[0];
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("plugin_custom_order_id").ValueKind);
        Assert.Equal("5531", raw.GetProperty("withdrawal_id").GetRawText());

        var other = PostbackSandbox.Parse(received[1].Body).Transactions.Single();
        Assert.Equal(5, other.WithdrawalStatus);
        Assert.Equal("77700011", other.AccountNumber);
        Assert.True(long.Parse(other.WithdrawalId!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(byDefault.GetProperty("withdrawalId").GetString(), other.WithdrawalId);
    }

    [Fact]
    public async Task Activated_at_is_written_in_the_gateway_time_zone()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();

        await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = "order-1", amount = 1, label = "u", activatedAt = "2026-01-27T01:32:01Z" });
        await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = "order-2", amount = 1, label = "u", activatedAt = "2026-01-27 09:00:00" });

        Assert.Equal("2026-01-27 09:32:01", PostbackSandbox.Parse(sandbox.Receiver.Received[0].Body).Transactions.Single().ActivatedDateTime);
        Assert.Equal("2026-01-27 09:00:00", PostbackSandbox.Parse(sandbox.Receiver.Received[1].Body).Transactions.Single().ActivatedDateTime);
    }

    [Fact]
    public async Task List_is_newest_first_and_filters_by_custom_transaction_id()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:PostbackHistoryLimit"] = "3" });
        foreach (var order in new[] { "a", "b", "a", "c" })
        {
            await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = order, amount = 1, label = "u" });
        }

        var all = await sandbox.ListAsync();
        Assert.Equal(["c", "a", "b"], all.Select(record => record.GetProperty("customTransactionId").GetString()));
        Assert.False(all[0].TryGetProperty("body", out _));
        Assert.Equal(200, all[0].GetProperty("lastAttempt").GetProperty("statusCode").GetInt32());
        Assert.Single(await sandbox.ListAsync("a"));

        using var forgotten = await sandbox.Http.GetAsync($"/sandbox/postbacks/{all[^1].GetProperty("id").GetInt64() - 1}");
        Assert.Equal(HttpStatusCode.NotFound, forgotten.StatusCode);

        using var cleared = await sandbox.Http.DeleteAsync("/sandbox/postbacks");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(await sandbox.ListAsync());
    }

    [Fact]
    public async Task Refused_proof_cannot_be_reported_as_a_transaction()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var refused = new ProofForm().With("key1", "000000000000");
        (await sandbox.Sandbox.SubmitProofAsync(refused)).Dispose();

        using var response = await sandbox.Http.PostAsJsonAsync("/sandbox/postbacks", new { kind = "transaction", proof = refused.CustomTransactionId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("was refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

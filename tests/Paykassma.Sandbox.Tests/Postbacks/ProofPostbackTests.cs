using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Paykassma.Sandbox.Tests.Postbacks;

/// <summary>The postback that follows an accepted proof, checked with the merchant's own parser and verifier.</summary>
public sealed class ProofPostbackTests
{
    private static readonly string[] TopLevelKeys =
        ["signature", "wallet_type", "amount", "currency_code", "label", "direction", "created_datetime", "access_key", "additional_data"];

    private static readonly string[] ItemKeys =
    [
        "activated_datetime", "exchanger_identifier", "comment", "amount", "currency_code", "wallet_type", "stockpiling_id",
        "transaction_id", "transaction_type", "plugin_custom_order_id", "withdrawal_id", "withdrawal_status", "account_number",
        "account_name", "account_email", "bank_details",
    ];

    [Fact]
    public async Task Accepted_proof_produces_one_signed_postback_with_the_gateways_fields_in_order()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var form = new ProofForm().With("amount", "450").With("label", "user-7");
        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        var proof = (await sandbox.Sandbox.FindProofAsync(form.CustomTransactionId))!.Value;

        var received = await sandbox.Receiver.WaitForAsync(1);

        Assert.Equal("application/json", received[0].ContentType);
        using var document = JsonDocument.Parse(received[0].Body);
        var body = document.RootElement;
        Assert.Equal(TopLevelKeys, body.EnumerateObject().Select(property => property.Name));
        Assert.Equal("bnb_ml", body.GetProperty("wallet_type").GetString());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("amount").ValueKind);
        Assert.Equal("450", body.GetProperty("amount").GetRawText());
        Assert.Equal("BTN", body.GetProperty("currency_code").GetString());
        Assert.Equal("user-7", body.GetProperty("label").GetString());
        Assert.Equal("ingoing", body.GetProperty("direction").GetString());
        Assert.Equal(PostbackSandbox.AccessKey, body.GetProperty("access_key").GetString());

        var items = body.GetProperty("additional_data");
        Assert.Equal(1, items.GetArrayLength());
        var item = items[0];
        Assert.Equal(ItemKeys, item.EnumerateObject().Select(property => property.Name));
        Assert.Equal(JsonValueKind.Null, item.GetProperty("exchanger_identifier").ValueKind);
        Assert.Equal("", item.GetProperty("comment").GetString());
        Assert.Equal(JsonValueKind.String, item.GetProperty("amount").ValueKind);
        Assert.Equal("450", item.GetProperty("amount").GetString());
        Assert.Equal("BTN", item.GetProperty("currency_code").GetString());
        Assert.Equal("bnb_ml", item.GetProperty("wallet_type").GetString());
        Assert.Equal(JsonValueKind.Number, item.GetProperty("stockpiling_id").ValueKind);
        Assert.True(item.GetProperty("stockpiling_id").GetInt64() > 0);
        Assert.Equal(proof.GetProperty("transactionId").GetString(), item.GetProperty("transaction_id").GetString());
        Assert.Matches("^[0-9]{12}$", item.GetProperty("transaction_id").GetString()!);
        Assert.Equal("0", item.GetProperty("transaction_type").GetRawText());
        Assert.Equal(form.CustomTransactionId, item.GetProperty("plugin_custom_order_id").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("withdrawal_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("withdrawal_status").ValueKind);
        Assert.Equal("", item.GetProperty("account_number").GetString());
        Assert.Equal("", item.GetProperty("account_name").GetString());
        Assert.Equal("", item.GetProperty("account_email").GetString());
        Assert.Equal("""{"bank_code":"","branch_code":""}""", item.GetProperty("bank_details").GetRawText());

        // Gateway time: +08:00 by default, no offset in the text; activated when the proof came in.
        var receivedAt = proof.GetProperty("receivedAt").GetDateTimeOffset();
        Assert.Equal(
            receivedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            item.GetProperty("activated_datetime").GetString());
        Assert.Matches("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$", body.GetProperty("created_datetime").GetString()!);

        var verification = sandbox.Verify(received[0].Body);
        Assert.True(verification.IsVerified, verification.RejectReason);
        var parsed = PostbackSandbox.Parse(received[0].Body);
        Assert.Equal(450m, parsed.Transactions.Single().Amount);
        Assert.Equal(form.CustomTransactionId, parsed.Transactions.Single().CustomOrderId);

        var record = (await sandbox.ListAsync(form.CustomTransactionId)).Single();
        Assert.Equal("transaction", record.GetProperty("kind").GetString());
        Assert.Equal("proof", record.GetProperty("source").GetString());
        Assert.Equal("php_default", record.GetProperty("encoding").GetString());
        await sandbox.WaitForStateAsync(record.GetProperty("id").GetInt64(), "delivered");
        await sandbox.Receiver.AssertNoMoreThanAsync(1, TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Wire_bytes_escape_slashes_and_non_ascii_as_php_does_by_default_and_still_verify()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        const string label = "dorji/ཚེ་རིང་ 🇧🇹";
        (await sandbox.Sandbox.SubmitProofAsync(new ProofForm().With("label", label))).Dispose();

        var body = (await sandbox.Receiver.WaitForAsync(1))[0].Body;

        Assert.All(body, b => Assert.True(b < 0x80, "php_default writes ASCII only"));
        var text = Encoding.ASCII.GetString(body);
        // PHP: \/ for the slash, lowercase \uXXXX, and a surrogate pair for the flag's astral characters.
        Assert.Contains("\"label\":\"dorji\\/\\u0f5a\\u0f7a\\u0f0b\\u0f62\\u0f72\\u0f44\\u0f0b \\ud83c\\udde7\\ud83c\\uddf9\"", text, StringComparison.Ordinal);
        Assert.True(sandbox.Verify(body).IsVerified);
        Assert.Equal(label, PostbackSandbox.Parse(body).Unsigned.Label);
    }

    [Theory]
    [InlineData("php_default")]
    [InlineData("unescaped")]
    [InlineData("pretty")]
    public async Task Every_wire_encoding_verifies_and_signs_the_same_unescaped_json(string encoding)
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:PostbackWireEncoding"] = encoding });
        const string comment = "ref 2026/01 — བྲུག ✓ 🇧🇹 \"quoted\"";

        var record = await sandbox.TriggerAsync(new
        {
            kind = "transaction", customTransactionId = "order/1", amount = 300, label = "user/1", comment,
        });

        var body = (await sandbox.Receiver.WaitForAsync(1))[0].Body;
        Assert.Equal(record.GetProperty("body").GetString(), Encoding.UTF8.GetString(body));
        Assert.Equal(encoding, record.GetProperty("encoding").GetString());
        var text = Encoding.UTF8.GetString(body);
        switch (encoding)
        {
            case "php_default":
                Assert.Contains("order\\/1", text, StringComparison.Ordinal);
                Assert.Contains("\\u2014", text, StringComparison.Ordinal);
                break;
            case "unescaped":
                Assert.Contains("\"comment\":\"ref 2026/01 — བྲུག ✓ 🇧🇹 \\\"quoted\\\"\"", text, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', text);
                break;
            case "pretty":
                Assert.StartsWith("{\n    \"signature\": \"", text, StringComparison.Ordinal);
                Assert.Contains("\n        {\n            \"activated_datetime\": ", text, StringComparison.Ordinal);
                Assert.Contains("ref 2026/01 — བྲུག", text, StringComparison.Ordinal);
                break;
        }

        var parsed = PostbackSandbox.Parse(body);
        Assert.True(sandbox.Verifier.Verify(parsed).IsVerified);
        var signed = Encoding.UTF8.GetString(parsed.SignedJson.Span);
        Assert.Contains("\"comment\":\"ref 2026/01 — བྲུག ✓ 🇧🇹 \\\"quoted\\\"\"", signed, StringComparison.Ordinal);
        Assert.Contains("\"plugin_custom_order_id\":\"order/1\"", signed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proof_is_answered_without_waiting_for_the_merchant()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:PostbackTimeoutSeconds"] = "10" });
        sandbox.Receiver.Script(ReceiverAnswer.Slow(TimeSpan.FromSeconds(5)));
        var form = new ProofForm();
        var started = DateTime.UtcNow;

        using var answer = await sandbox.Sandbox.SubmitProofAsync(form);
        await sandbox.Receiver.WaitForAsync(1);

        Assert.Contains("\"status\":\"success\"", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), "the proof waited for the merchant's answer");
        var record = (await sandbox.ListAsync(form.CustomTransactionId)).Single();
        Assert.Equal("pending", record.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Postback_waits_for_the_configured_delay_after_the_proof()
    {
        // Judged by when the postback arrived, not by looking for it at a fixed moment: a busy machine
        // (as CI once was) can only make it later, never earlier. Three seconds,
        // because a first postback without any delay already takes about one (a cold sandbox and client).
        var delay = TimeSpan.FromSeconds(3);
        await using var sandbox = await PostbackSandbox.StartAsync(
            new Dictionary<string, string?> { ["Sandbox:PostbackDelaySeconds"] = delay.TotalSeconds.ToString(CultureInfo.InvariantCulture) });
        var form = new ProofForm();
        var submitted = DateTimeOffset.UtcNow;

        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        var received = await sandbox.Receiver.WaitForAsync(1);

        // A timer may fire up to a clock tick early; 50 ms covers that and nothing else.
        var waited = received[0].ReceivedAt - submitted;
        Assert.True(waited >= delay - TimeSpan.FromMilliseconds(50), $"the postback came {waited.TotalMilliseconds:0} ms after the proof, before the {delay.TotalMilliseconds:0} ms delay");
    }

    [Fact]
    public async Task Refused_and_repeated_proofs_produce_no_postback()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var accepted = new ProofForm();
        (await sandbox.Sandbox.SubmitProofAsync(accepted)).Dispose();
        (await sandbox.Sandbox.SubmitProofAsync(accepted)).Dispose();
        (await sandbox.Sandbox.SubmitProofAsync(new ProofForm().With("key1", "000000000000"))).Dispose();

        await sandbox.Receiver.WaitForAsync(1);
        await sandbox.Receiver.AssertNoMoreThanAsync(1, TimeSpan.FromMilliseconds(300));
        Assert.Single(await sandbox.ListAsync());
    }

    [Fact]
    public async Task Time_zone_setting_moves_the_gateway_datetimes()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:TimeZone"] = "-05:30" });
        var form = new ProofForm();
        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        var receivedAt = (await sandbox.Sandbox.FindProofAsync(form.CustomTransactionId))!.Value.GetProperty("receivedAt").GetDateTimeOffset();

        var parsed = PostbackSandbox.Parse((await sandbox.Receiver.WaitForAsync(1))[0].Body);

        Assert.Equal(
            receivedAt.ToOffset(new TimeSpan(-5, -30, 0)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            parsed.Transactions.Single().ActivatedDateTime);
    }
}

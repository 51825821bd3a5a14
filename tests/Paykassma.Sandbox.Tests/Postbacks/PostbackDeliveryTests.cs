using System.Net;
using System.Text.Json;

namespace Paykassma.Sandbox.Tests.Postbacks;

/// <summary>Resends until the merchant answers exactly HTTP 200 and <c>{"status":"ok"}</c>, always with the same bytes.</summary>
public sealed class PostbackDeliveryTests
{
    [Fact]
    public async Task Receiver_answering_500_twice_then_ok_gets_the_same_bytes_three_times_and_the_postback_ends_delivered()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        sandbox.Receiver.Script(ReceiverAnswer.ServerError, ReceiverAnswer.ServerError);
        var form = new ProofForm();

        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();

        var received = await sandbox.Receiver.WaitForAsync(3);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal(received[0].Body, received[2].Body);
        Assert.True(sandbox.Verify(received[0].Body).IsVerified);

        var id = (await sandbox.ListAsync(form.CustomTransactionId)).Single().GetProperty("id").GetInt64();
        var record = await sandbox.WaitForStateAsync(id, "delivered");
        var attempts = record.GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal([500, 500, 200], attempts.Select(attempt => attempt.GetProperty("statusCode").GetInt32()));
        Assert.Equal([false, false, true], attempts.Select(attempt => attempt.GetProperty("ok").GetBoolean()));
        Assert.Equal([1, 2, 3], attempts.Select(attempt => attempt.GetProperty("number").GetInt32()));
        Assert.Equal("Internal Server Error", attempts[0].GetProperty("answer").GetString());
        Assert.Equal(3, record.GetProperty("attemptCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("nextAttemptAt").ValueKind);
        await sandbox.Receiver.AssertNoMoreThanAsync(3, TimeSpan.FromMilliseconds(300));
    }

    public static TheoryData<string> NotOkAnswers => ["fail", "plain_text_ok", "other_status", "not_an_object", "server_error"];

    [Theory]
    [MemberData(nameof(NotOkAnswers))]
    public async Task Any_answer_but_200_with_status_ok_is_retried(string answerName)
    {
        var answer = answerName switch
        {
            "fail" => ReceiverAnswer.Fail,
            "plain_text_ok" => ReceiverAnswer.PlainTextOk,
            "other_status" => ReceiverAnswer.OkWithOtherStatus,
            "not_an_object" => ReceiverAnswer.OkButNotAnObject,
            _ => ReceiverAnswer.ServerError with { Body = """{"status":"ok"}""" },
        };
        await using var sandbox = await PostbackSandbox.StartAsync();
        sandbox.Receiver.Script(answer);

        var record = await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = "order-1", amount = 300, label = "user-1" });

        // The first attempt is made while the trigger waits, and its answer is in the record.
        var first = record.GetProperty("attempts")[0];
        Assert.False(first.GetProperty("ok").GetBoolean());
        Assert.Equal(answer.StatusCode, first.GetProperty("statusCode").GetInt32());
        Assert.Equal(answer.Body, first.GetProperty("answer").GetString());
        Assert.Equal("pending", record.GetProperty("state").GetString());

        var received = await sandbox.Receiver.WaitForAsync(2);
        Assert.Equal(received[0].Body, received[1].Body);
        await sandbox.WaitForStateAsync(record.GetProperty("id").GetInt64(), "delivered");
    }

    [Fact]
    public async Task Answer_slower_than_the_timeout_is_retried()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:PostbackTimeoutSeconds"] = "0.3" });
        sandbox.Receiver.Script(ReceiverAnswer.Slow(TimeSpan.FromSeconds(5)));

        var record = await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = "order-1", amount = 300, label = "user-1" });

        var first = record.GetProperty("attempts")[0];
        Assert.Equal(JsonValueKind.Null, first.GetProperty("statusCode").ValueKind);
        Assert.Contains("no answer within 0.3 s", first.GetProperty("error").GetString(), StringComparison.Ordinal);
        var delivered = await sandbox.WaitForStateAsync(record.GetProperty("id").GetInt64(), "delivered");
        Assert.Equal(2, delivered.GetProperty("attemptCount").GetInt32());
    }

    [Fact]
    public async Task Unreachable_merchant_is_retried_and_the_error_recorded()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?>
        {
            // A port nothing listens on: connection refused at once.
            ["Sandbox:PostbackUrl"] = "http://127.0.0.1:9/postbacks",
            ["Sandbox:PostbackMaxAttempts"] = "3",
        });

        var record = await sandbox.TriggerAsync(new { kind = "transaction", customTransactionId = "order-1", amount = 300, label = "user-1" });

        Assert.Contains("HttpRequestException", record.GetProperty("attempts")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        var gaveUp = await sandbox.WaitForStateAsync(record.GetProperty("id").GetInt64(), "gave_up");
        Assert.Equal(3, gaveUp.GetProperty("attemptCount").GetInt32());
    }

    [Fact]
    public async Task Gives_up_after_the_configured_number_of_attempts_and_a_resend_can_still_deliver()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:PostbackMaxAttempts"] = "2" });
        sandbox.Receiver.Script(ReceiverAnswer.ServerError, ReceiverAnswer.ServerError);
        var form = new ProofForm();
        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        var id = (await sandbox.ListAsync(form.CustomTransactionId)).Single().GetProperty("id").GetInt64();

        await sandbox.WaitForStateAsync(id, "gave_up");
        await sandbox.Receiver.AssertNoMoreThanAsync(2, TimeSpan.FromMilliseconds(400));

        using var resend = await sandbox.Http.PostAsync($"/sandbox/postbacks/{id}/resend", null);
        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        using var record = JsonDocument.Parse(await resend.Content.ReadAsStringAsync());
        Assert.Equal("delivered", record.RootElement.GetProperty("state").GetString());
        Assert.Equal(3, sandbox.Receiver.Received.Length);
        Assert.Equal(sandbox.Receiver.Received[0].Body, sandbox.Receiver.Received[2].Body);
    }

    [Fact]
    public async Task Resend_sends_the_same_bytes_again_and_records_the_answer()
    {
        await using var sandbox = await PostbackSandbox.StartAsync();
        var record = await sandbox.TriggerAsync(new { kind = "withdrawal", amount = 700 });
        var id = record.GetProperty("id").GetInt64();
        sandbox.Receiver.Script(ReceiverAnswer.Fail);

        using var resend = await sandbox.Http.PostAsync($"/sandbox/postbacks/{id}/resend", null);

        using var after = JsonDocument.Parse(await resend.Content.ReadAsStringAsync());
        var attempts = after.RootElement.GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.False(attempts[1].GetProperty("ok").GetBoolean());
        // Delivered once already: a later non-ok answer does not undo that.
        Assert.Equal("delivered", after.RootElement.GetProperty("state").GetString());
        Assert.Equal(sandbox.Receiver.Received[0].Body, sandbox.Receiver.Received[1].Body);
    }

    [Fact]
    public async Task Without_a_url_postbacks_are_built_and_listed_but_not_sent()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(withUrl: false);
        var form = new ProofForm();

        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        var triggered = await sandbox.TriggerAsync(new { kind = "forged", customTransactionId = form.CustomTransactionId });

        var listed = await sandbox.ListAsync(form.CustomTransactionId);
        Assert.Equal(2, listed.Length);
        Assert.All(listed, record => Assert.Equal("not_sent", record.GetProperty("state").GetString()));
        Assert.Equal("not_sent", triggered.GetProperty("state").GetString());
        Assert.Empty(triggered.GetProperty("attempts").EnumerateArray());
        Assert.Single(sandbox.Log.Lines, line => line.Contains("PostbackUrl is not set", StringComparison.Ordinal));

        using var resend = await sandbox.Http.PostAsync($"/sandbox/postbacks/{triggered.GetProperty("id").GetInt64()}/resend", null);
        Assert.Equal(HttpStatusCode.Conflict, resend.StatusCode);
        await sandbox.Receiver.AssertNoMoreThanAsync(0, TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task No_log_line_and_no_control_answer_contains_the_private_key()
    {
        await using var sandbox = await PostbackSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:PostbackMaxAttempts"] = "2" });
        sandbox.Receiver.Script(ReceiverAnswer.ServerError, ReceiverAnswer.ServerError, ReceiverAnswer.Fail);
        var form = new ProofForm();
        (await sandbox.Sandbox.SubmitProofAsync(form)).Dispose();
        var id = (await sandbox.ListAsync(form.CustomTransactionId)).Single().GetProperty("id").GetInt64();
        await sandbox.WaitForStateAsync(id, "gave_up");
        foreach (var kind in new[] { "forged", "tampered", "tampered_signed" })
        {
            await sandbox.TriggerAsync(new { kind, customTransactionId = form.CustomTransactionId });
        }

        await sandbox.TriggerAsync(new { kind = "duplicate", count = 2 });
        (await sandbox.Http.PostAsync("/sandbox/postbacks", new StringContent("{\"kind\":\"bogus\"}"))).Dispose();
        var everything = string.Join("\n",
            await sandbox.Http.GetStringAsync("/sandbox/postbacks"),
            await sandbox.Http.GetStringAsync($"/sandbox/postbacks/{id}"));

        Assert.NotEmpty(sandbox.Log.Lines);
        Assert.Contains(sandbox.Log.Lines, line => line.Contains("gave up", StringComparison.Ordinal));
        Assert.DoesNotContain(sandbox.Log.Lines, line => line.Contains(PostbackSandbox.PrivateKey, StringComparison.Ordinal));
        Assert.DoesNotContain(PostbackSandbox.PrivateKey, everything, StringComparison.Ordinal);
    }
}

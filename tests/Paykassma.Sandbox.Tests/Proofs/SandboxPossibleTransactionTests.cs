using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Paykassma.Sandbox.Tests.Proofs;

public sealed class SandboxPossibleTransactionTests
{
    private const string SuccessBody =
        """{"status":"success","message":"","code":20000,"data":[],"paginate":{"offset":0,"total":1,"limit":1}}""";

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    public async Task Wrong_or_missing_secret_answers_404_and_records_nothing(string? secret)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.Http.PostAsync(TestSandbox.PossibleTransactionPath(secret), new ProofForm().ToContent());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await sandbox.ListProofsAsync());
    }

    [Fact]
    public async Task Valid_proof_answers_the_exact_success_body_and_is_recorded()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var form = new ProofForm();

        using var response = await sandbox.SubmitProofAsync(form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(SuccessBody, await response.Content.ReadAsStringAsync());

        var proof = (await sandbox.FindProofAsync(form.CustomTransactionId))!.Value;
        Assert.Equal("BTN", proof.GetProperty("currencyCode").GetString());
        Assert.Equal("bnb_ml", proof.GetProperty("walletType").GetString());
        Assert.Equal("user-42", proof.GetProperty("label").GetString());
        Assert.Equal("123456789012", proof.GetProperty("key1").GetString());
        Assert.Equal(300, proof.GetProperty("amount").GetInt64());
        Assert.Equal("accepted", proof.GetProperty("outcome").GetString());
        Assert.Matches("^[1-9][0-9]{11}$", proof.GetProperty("transactionId").GetString());
        Assert.Equal(SuccessBody, proof.GetProperty("answer").GetProperty("body").GetString());
        Assert.Equal(0, proof.GetProperty("repeatedSubmissions").GetInt32());
    }

    public static TheoryData<string, string?, string> InvalidFields => new()
    {
        { "currency_code", null, "currency_code is required" },
        { "currency_code", "", "currency_code must not be empty" },
        { "currency_code", "USD", "currency_code must be BTN" },
        { "currency_code", "BTNN", "currency_code must be at most 3 characters" },
        { "wallet_type", null, "wallet_type is required" },
        { "wallet_type", "other_ml", "wallet_type must be bnb_ml" },
        { "wallet_type", new string('w', 191), "wallet_type must be at most 190 characters" },
        { "label", null, "label is required" },
        { "label", "", "label must not be empty" },
        { "label", "  ", "label must not be empty" },
        { "label", new string('l', 191), "label must be at most 190 characters" },
        { "key1", null, "key1 is required" },
        { "key1", "12345678901", "key1 must be exactly 12 digits (0-9)" },
        { "key1", "1234567890123", "key1 must be exactly 12 digits (0-9)" },
        { "key1", "12345678901a", "key1 must be exactly 12 digits (0-9)" },
        { "key1", "12345678901 ", "key1 must be exactly 12 digits (0-9)" },
        // Arabic-Indic digits are digits to char.IsDigit, not to the gateway.
        { "key1", "١٢٣٤٥٦٧٨٩٠١٢", "key1 must be exactly 12 digits (0-9)" },
        { "amount", null, "amount is required" },
        { "amount", "0", "amount must be greater than 0" },
        { "amount", "-5", "amount must be a whole number of ngultrum (digits only)" },
        { "amount", "1.5", "amount must be a whole number of ngultrum (digits only)" },
        { "amount", "1e3", "amount must be a whole number of ngultrum (digits only)" },
        { "amount", " 5", "amount must be a whole number of ngultrum (digits only)" },
        { "amount", "abc", "amount must be a whole number of ngultrum (digits only)" },
        { "amount", "99999999999999999999", "amount must be a whole number of ngultrum (digits only)" },
        { "custom_transaction_id", null, "custom_transaction_id is required" },
        { "custom_transaction_id", "", "custom_transaction_id must not be empty" },
        { "custom_transaction_id", new string('c', 191), "custom_transaction_id must be at most 190 characters" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Each_invalid_field_answers_fail_naming_it_and_records_nothing(string field, string? value, string expectedMessage)
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.SubmitProofAsync(new ProofForm().With(field, value));

        Assert.Equal(expectedMessage, await GatewayAssert.FailAsync(response));
        Assert.Empty(await sandbox.ListProofsAsync());
    }

    public static TheoryData<string, string> InvalidScreenshots => new()
    {
        { "missing", "screenshot is required (a file)" },
        { "empty", "screenshot must not be empty" },
        { "text", "screenshot must be sent as a file, not as a text field" },
        { "twice", "screenshot must be sent once" },
        { "too-large", "screenshot must be at most 16 bytes" },
    };

    [Theory]
    [MemberData(nameof(InvalidScreenshots))]
    public async Task Invalid_screenshot_answers_fail_naming_it(string problem, string expectedMessage)
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:MaxScreenshotBytes"] = "16" });
        var form = new ProofForm();
        switch (problem)
        {
            case "missing":
                form.Screenshots.Clear();
                break;
            case "empty":
                form.Screenshots[0] = ([], "proof.png", "image/png");
                break;
            case "text":
                form.Screenshots.Clear();
                form.ExtraTextFields.Add(("screenshot", "not a file"));
                break;
            case "twice":
                form.Screenshots.Add(form.Screenshots[0]);
                break;
            case "too-large":
                form.Screenshots[0] = (new byte[17], "proof.png", "image/png");
                break;
        }

        using var response = await sandbox.SubmitProofAsync(form);

        Assert.Equal(expectedMessage, await GatewayAssert.FailAsync(response));
        Assert.Empty(await sandbox.ListProofsAsync());
    }

    [Fact]
    public async Task A_field_sent_twice_is_refused_as_ambiguous()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var form = new ProofForm();
        form.ExtraTextFields.Add(("label", "someone-else"));

        using var response = await sandbox.SubmitProofAsync(form);

        Assert.Equal("label must be sent once", await GatewayAssert.FailAsync(response));
    }

    [Fact]
    public async Task Several_problems_are_reported_together()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.SubmitProofAsync(new ProofForm().With("key1", "1").With("amount", "0"));

        Assert.Equal(
            "key1 must be exactly 12 digits (0-9); amount must be greater than 0",
            await GatewayAssert.FailAsync(response));
    }

    public static TheoryData<string, string?> MalformedBodies => new()
    {
        { """{"label":"user-42"}""", "application/json" },
        { "", null },
        { "garbage", "multipart/form-data" },
        { "garbage", "multipart/form-data; boundary=abc" },
        { "--abc\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\nunterminated", "multipart/form-data; boundary=abc" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_body_answers_fail_never_500(string body, string? contentType)
    {
        await using var sandbox = await TestSandbox.StartAsync();
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        using var response = await sandbox.Http.PostAsync(TestSandbox.PossibleTransactionPath(), content);

        var message = await GatewayAssert.FailAsync(response);
        Assert.Matches("^(request must be multipart/form-data|multipart/form-data body could not be read)", message);
    }

    [Fact]
    public async Task Repeated_custom_transaction_id_answers_already_exists_and_keeps_the_first()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var form = new ProofForm();
        (await sandbox.SubmitProofAsync(form)).Dispose();

        using var repeated = await sandbox.SubmitProofAsync(form.With("amount", "999"));

        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(
            """{"status":"fail","message":"custom_transaction_id already exists"}""",
            await repeated.Content.ReadAsStringAsync());
        var proof = (await sandbox.FindProofAsync(form.CustomTransactionId))!.Value;
        Assert.Equal(300, proof.GetProperty("amount").GetInt64());
        Assert.Equal(1, proof.GetProperty("repeatedSubmissions").GetInt32());
    }

    [Fact]
    public async Task Concurrent_submissions_with_one_custom_transaction_id_are_accepted_once()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var id = $"race-{Guid.NewGuid():N}";

        var bodies = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await sandbox.SubmitProofAsync(new ProofForm().With("custom_transaction_id", id));
            return await response.Content.ReadAsStringAsync();
        }));

        Assert.Single(bodies, body => body == SuccessBody);
        Assert.Equal(7, bodies.Count(body => body.Contains("custom_transaction_id already exists", StringComparison.Ordinal)));
        Assert.Single(await sandbox.ListProofsAsync());
    }

    [Fact]
    public async Task Fail_http_status_applies_to_proof_failures_too()
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:FailHttpStatus"] = "400" });

        using var response = await sandbox.SubmitProofAsync(new ProofForm().With("amount", "0"));

        Assert.Equal("amount must be greater than 0", await GatewayAssert.FailAsync(response, expectedStatus: 400));
    }

    [Fact]
    public async Task Gateway_routes_answer_405_not_500_to_other_methods()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.Http.GetAsync(TestSandbox.PossibleTransactionPath());

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(await sandbox.Http.GetFromJsonAsync<object[]>("/sandbox/possible-transactions") ?? []);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Proofs;

[Collection(ProofCollection.Name)]
public sealed class InvalidProofTests(FastDispatcherFactory api)
{
    private const long MaxScreenshot = 10 * 1024 * 1024;

    public static TheoryData<string> Cases => new(InvalidRequests.Keys);

    /// <summary>Each entry: how to break an otherwise valid upload.</summary>
    private static readonly Dictionary<string, Func<HttpContent>> InvalidRequests = new()
    {
        ["number missing"] = () => ProofScript.Form(transactionNumber: null),
        ["number empty"] = () => ProofScript.Form(transactionNumber: ""),
        ["number of 11 digits"] = () => ProofScript.Form(transactionNumber: "12345678901"),
        ["number of 13 digits"] = () => ProofScript.Form(transactionNumber: "1234567890123"),
        ["number with letters"] = () => ProofScript.Form(transactionNumber: "12345678901A"),
        ["number with a space"] = () => ProofScript.Form(transactionNumber: "123456 789012"),
        ["number with a newline"] = () => ProofScript.Form(transactionNumber: "123456789012\n"),
        ["number in Arabic-Indic digits"] = () => ProofScript.Form(transactionNumber: "١٢٣٤٥٦٧٨٩٠١٢"),
        ["number in fullwidth digits"] = () => ProofScript.Form(transactionNumber: "１２３４５６７８９０１２"),
        ["number sent twice"] = () => WithExtra(ProofScript.Form(), "transactionNumber", "123456789012"),
        ["amount missing"] = () => ProofScript.Form(amount: null),
        ["amount zero"] = () => ProofScript.Form(amount: "0"),
        ["amount negative"] = () => ProofScript.Form(amount: "-300"),
        ["amount fractional"] = () => ProofScript.Form(amount: "300.50"),
        ["amount in exponent form"] = () => ProofScript.Form(amount: "3e2"),
        ["amount with spaces"] = () => ProofScript.Form(amount: " 300"),
        ["amount not a number"] = () => ProofScript.Form(amount: "three hundred"),
        ["amount above the maximum"] = () => ProofScript.Form(amount: "1000001"),
        ["amount beyond int"] = () => ProofScript.Form(amount: "99999999999999"),
        ["screenshot missing"] = () => ProofScript.Form(withScreenshot: false),
        ["screenshot empty"] = () => ProofScript.Form(screenshot: []),
        ["screenshot as text"] = () => WithExtra(ProofScript.Form(withScreenshot: false), "screenshot", "iVBORw0KGgo="),
        ["screenshot too large"] = () => ProofScript.Form(screenshot: ProofScript.Png((int)MaxScreenshot + 1)),
        ["text disguised as png"] = () => ProofScript.Form(screenshot: Encoding.UTF8.GetBytes("just some text, not an image at all")),
        ["executable named jpg"] = () => ProofScript.Form(screenshot: [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 1, 2, 3], fileName: "photo.jpg", contentType: "image/jpeg"),
        ["html as pdf"] = () => ProofScript.Form(screenshot: Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), fileName: "proof.pdf", contentType: "application/pdf"),
        ["svg as image"] = () => ProofScript.Form(screenshot: Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), fileName: "a.svg", contentType: "image/svg+xml"),
        ["avif is not heic"] = () => ProofScript.Form(screenshot: [0, 0, 0, 0x1C, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'a', (byte)'v', (byte)'i', (byte)'f', 0, 0], fileName: "a.heic", contentType: "image/heic"),
        ["two screenshots"] = () => WithFile(ProofScript.Form(), "screenshot"),
        ["unknown field"] = () => WithExtra(ProofScript.Form(), "label", "someone-else"),
        ["json instead of a form"] = () => new StringContent("""{"transactionNumber":"123456789012","amount":300}""", Encoding.UTF8, "application/json"),
        ["urlencoded without a file"] = () => new FormUrlEncodedContent(new Dictionary<string, string> { ["transactionNumber"] = "123456789012", ["amount"] = "300" }),
        ["malformed multipart"] = () => Malformed(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_invalid_upload_is_a_4xx_problem_with_nothing_stored_and_no_gateway_call(string name)
    {
        var label = GatewayScript.NewLabel("invalid");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label);
        using var client = api.ClientFor(label);

        var response = await client.UploadAsync(depositId, InvalidRequests[name]());

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingStoredAsync(depositId, label);
    }

    [Fact]
    public async Task Another_users_deposit_is_404_and_nothing_is_stored()
    {
        var owner = GatewayScript.NewLabel("owner");
        var depositId = await api.CreateDepositAsync(owner);
        var stranger = GatewayScript.NewLabel("stranger");
        api.Gateway.AnswersProof(stranger);
        api.Gateway.AnswersProof(owner);
        using var client = api.ClientFor(stranger);

        var response = await client.UploadAsync(depositId, ProofScript.Form());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertNothingStoredAsync(depositId, owner);
        Assert.Empty(api.Gateway.ProofCallsFor(stranger));
    }

    [Theory]
    [InlineData("/api/deposits/{0}/proof")]
    [InlineData("/api/deposits/not-a-guid/proof")]
    public async Task An_unknown_deposit_is_404(string path)
    {
        var label = GatewayScript.NewLabel();
        using var client = api.ClientFor(label);

        var response = await client.PostAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, Guid.NewGuid()), ProofScript.Form());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(api.Gateway.ProofCallsFor(label));
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        using var client = api.CreateClient();

        var response = await client.UploadAsync(Guid.NewGuid(), ProofScript.Form());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Every_field_error_is_reported_at_once_by_field_name()
    {
        var label = GatewayScript.NewLabel();
        var depositId = await api.CreateDepositAsync(label);
        using var client = api.ClientFor(label);

        var response = await client.UploadAsync(depositId, ProofScript.Form(transactionNumber: "12", amount: "-1", screenshot: [1, 2, 3]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("transactionNumber", out _));
        Assert.True(errors.TryGetProperty("amount", out _));
        Assert.True(errors.TryGetProperty("screenshot", out _));
    }

    private async Task AssertNothingStoredAsync(Guid depositId, string label)
    {
        Assert.Equal(0, await api.ScalarAsync<long>("SELECT count(*) FROM proofs WHERE deposit_id = @d", ("d", depositId)));
        Assert.Equal(0, await api.ScalarAsync<long>(
            "SELECT count(*) FROM proof_screenshots s JOIN proofs p ON p.id = s.proof_id WHERE p.deposit_id = @d", ("d", depositId)));
        Assert.Equal("awaiting_payment", await api.ScalarAsync<string>("SELECT status FROM deposits WHERE id = @d", ("d", depositId)));
        Assert.Empty(api.Gateway.ProofCallsFor(label));
    }

    private static MultipartFormDataContent WithExtra(MultipartFormDataContent form, string name, string value)
    {
        form.Add(new StringContent(value), name);
        return form;
    }

    private static MultipartFormDataContent WithFile(MultipartFormDataContent form, string name)
    {
        var file = new ByteArrayContent(ProofScript.Png(seed: 5));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, name, "second.png");
        return form;
    }

    private static ByteArrayContent Malformed()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n300\r\n--xyz\r\nbroken"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        return content;
    }
}

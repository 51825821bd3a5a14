using System.Net;
using System.Text;
using System.Text.Json;

namespace Paykassma.Sandbox.Tests.Postbacks;

/// <summary>One sandbox started once and shared: every request here is refused, so none can affect another.</summary>
public sealed class RefusingSandbox : IAsyncLifetime
{
    internal PostbackSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await PostbackSandbox.StartAsync();

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

/// <summary>Bad control input answers 400 naming the field (or 404 for an unknown id), never 500, and sends nothing.</summary>
public sealed class PostbackTriggerValidationTests(RefusingSandbox fixture) : IClassFixture<RefusingSandbox>
{
    private PostbackSandbox Sandbox => fixture.Sandbox;

    [Theory]
    [InlineData("""{}""", "kind")]
    [InlineData("""{"kind":"refund"}""", "kind")]
    [InlineData("""{"kind":7}""", "kind")]
    [InlineData("""{"kind":"transaction"}""", "customTransactionId")]
    [InlineData("""{"kind":"transaction","customTransactionId":" "}""", "customTransactionId")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u"}""", "amount")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","amount":300}""", "label")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":"abc"}""", "amount")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":1.5}""", "amount")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":0}""", "amount")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":1e40}""", "amount")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":1,"transactionId":"12345"}""", "transactionId")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":1,"encoding":"xml"}""", "encoding")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":1,"activatedAt":"yesterday"}""", "activatedAt")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":1,"bogus":1}""", "bogus")]
    [InlineData("""{"kind":"transaction","proof":"never-received"}""", "proof")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u\ud800","amount":1}""", "label")]
    [InlineData("""{"kind":"tampered","customTransactionId":"x","label":"u","amount":1,"topLevelLabel":"\udc00"}""", "topLevelLabel")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":100000000000001}""", "amount")]
    [InlineData("""{"kind":"transaction","customTransactionId":"x","label":"u","amount":1,"withdrawalId":5}""", "withdrawalId")]
    [InlineData("""{"kind":"tampered_signed","customTransactionId":"x","label":"u","amount":1,"tamperedAmount":1}""", "tamperedAmount")]
    [InlineData("""{"kind":"withdrawal"}""", "amount")]
    [InlineData("""{"kind":"withdrawal","amount":1,"customTransactionId":"x"}""", "customTransactionId")]
    [InlineData("""{"kind":"withdrawal","amount":1,"withdrawalId":0}""", "withdrawalId")]
    [InlineData("""{"kind":"duplicate"}""", "of")]
    [InlineData("""{"kind":"duplicate","of":999}""", "of")]
    [InlineData("""{"kind":"duplicate","count":0}""", "count")]
    [InlineData("""{"kind":"duplicate","amount":5}""", "amount")]
    [InlineData("""not json""", "body")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""null""", "body")]
    [InlineData("", "body")]
    public async Task Bad_trigger_answers_400_naming_the_field(string json, string field)
    {
        using var response = await Sandbox.Http.PostAsync("/sandbox/postbacks", new StringContent(json, Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        using var problem = JsonDocument.Parse(text);
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), text);
        Assert.Contains(field, messages[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(Sandbox.Receiver.Received);
        Assert.Empty(await Sandbox.ListAsync());
    }

    [Theory]
    [InlineData("GET", "/sandbox/postbacks/abc")]
    [InlineData("GET", "/sandbox/postbacks/abc/body")]
    [InlineData("POST", "/sandbox/postbacks/-1/resend")]
    public async Task Id_that_is_not_a_number_answers_400_naming_it(string method, string path)
    {
        using var response = await Sandbox.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"id\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/sandbox/postbacks/42")]
    [InlineData("GET", "/sandbox/postbacks/42/body")]
    [InlineData("POST", "/sandbox/postbacks/42/resend")]
    public async Task Unknown_id_answers_404(string method, string path)
    {
        using var response = await Sandbox.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

using System.Text.Json;
using Paykassma.PluginApi.Client;
using Paykassma.PluginApi.Withdrawals;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Paykassma.PluginApi.Tests.Client;

public sealed class WithdrawalTests : IDisposable
{
    private const string WithdrawalPath = "/v2/withdrawal/create";
    private readonly GatewayStub _gateway = new();

    public void Dispose() => _gateway.Dispose();

    private static WithdrawalRequest Payout(IReadOnlyDictionary<string, string>? bankDetails = null) => new(
        WithdrawalId: "po_0192f0a1b2c3d4e5f60718293a4b5c6d",
        PaymentSystem: "sinpemovil",
        Amount: 1020,
        CurrencyCode: "BTN",
        IsTest: true,
        Label: "user-42",
        AccountNumber: "9440377924",
        AccountName: "Dorji Wangmo",
        BankDetails: bankDetails);

    private void Answer(int status, string body) =>
        _gateway.Server.Given(Request.Create().WithPath(WithdrawalPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    [Fact]
    public async Task Sends_every_field_signed_with_the_withdrawal_key_as_json_with_a_content_length_and_without_the_plugin_secret()
    {
        Answer(200, """{"status":"ok"}""");
        var payout = Payout(new Dictionary<string, string> { ["bank_code"] = "BNB" });

        var answer = await _gateway.Client.CreateWithdrawalAsync(payout, CancellationToken.None);

        Assert.Equal(GatewayOutcome.Accepted, answer.Outcome);
        var request = Assert.Single(_gateway.Requests).RequestMessage!;
        GatewayStub.AssertSentWithContentLength(request);
        Assert.Equal("application/json; charset=utf-8", request.Headers!["Content-Type"].Single());
        // The withdrawal API is authenticated by its signature; the plugin secret stays off this URL.
        Assert.True(request.Query is null || !request.Query.ContainsKey("secret"));
        Assert.DoesNotContain(GatewayStub.Secret, request.AbsoluteUrl, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(GatewayStub.Secret), request.AbsoluteUrl, StringComparison.Ordinal);

        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        Assert.Equal(
            ["withdrawal_id", "payment_system", "amount", "currency_code", "is_test", "label", "account_number", "account_name", "bank_details", "signature"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, root.GetProperty("amount").ValueKind);
        Assert.Equal(1020, root.GetProperty("amount").GetInt32());
        Assert.True(root.GetProperty("is_test").GetBoolean());
        Assert.Equal("BNB", root.GetProperty("bank_details").GetProperty("bank_code").GetString());
        Assert.Equal(WithdrawalSignature.Compute(payout.Fields(), GatewayStub.WithdrawalKey), root.GetProperty("signature").GetString());
        Assert.DoesNotContain(GatewayStub.WithdrawalKey, request.Body!, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayStub.WithdrawalKey, _gateway.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bank_details_are_left_out_when_not_given()
    {
        Answer(200, """{"status":"ok"}""");

        await _gateway.Client.CreateWithdrawalAsync(Payout(), CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_gateway.Requests).RequestMessage!.Body!);
        Assert.False(body.RootElement.TryGetProperty("bank_details", out _));
    }

    [Theory]
    [InlineData("""{"status":"fail","message":"Withdrawal signature is invalid"}""", "Withdrawal signature is invalid")]
    [InlineData("""{"status":"fail","message":{"withdrawals_sum_amount":["Insufficient balance"]}}""", "withdrawals_sum_amount: Insufficient balance")]
    [InlineData("""{"status":"fail","message":{"withdrawal_id":["The withdrawal id has already been taken."],"amount":["Too small","Really"]}}""",
        "withdrawal_id: The withdrawal id has already been taken. | amount: Too small; Really")]
    [InlineData("""{"status":"fail"}""", "The gateway refused without a message.")]
    public async Task A_refusal_keeps_the_gateways_message_readable_even_when_it_is_an_object(string body, string message)
    {
        Answer(200, body);

        var answer = await _gateway.Client.CreateWithdrawalAsync(Payout(), CancellationToken.None);

        Assert.Equal(GatewayOutcome.Refused, answer.Outcome);
        Assert.Equal(message, answer.Message);
        Assert.False(answer.OutcomeUncertain);
    }

    [Fact]
    public async Task A_gateway_error_on_every_attempt_fails_the_call_with_its_outcome_uncertain()
    {
        Answer(500, "oops");

        var answer = await _gateway.Client.CreateWithdrawalAsync(Payout(), CancellationToken.None);

        Assert.Equal(GatewayOutcome.Failed, answer.Outcome);
        Assert.True(answer.OutcomeUncertain);
        Assert.True(_gateway.Requests.Count > 1, "a 500 is retried within the call");
        // Every attempt carries the same withdrawal_id and signature: one payout, one id.
        Assert.Single(_gateway.Requests.Select(r => r.RequestMessage!.Body).Distinct());
    }
}

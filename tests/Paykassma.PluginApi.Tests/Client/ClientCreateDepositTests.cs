using System.Text.Json;
using Paykassma.PluginApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Paykassma.PluginApi.Tests.Client;

public sealed class ClientCreateDepositTests : IDisposable
{
    private const string CreatePath = "/api/v1/transaction/create/bnb_ml";
    private readonly GatewayStub _gateway = new();

    public void Dispose() => _gateway.Dispose();

    private IRequestBuilder CreateCall() => Request.Create().WithPath(CreatePath).UsingPost();

    [Fact]
    public async Task Ok_answer_maps_known_params_and_keeps_unknown_ones()
    {
        _gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithStatusCode(200).WithBody(
            """{"status":"ok","params":{"Wallet number":"200123456789","Account name":"Druk Merchant","is_check_amount":null,"Bank name":"Bank of Bhutan","Branch":7}}"""));

        var answer = await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Accepted, answer.Outcome);
        Assert.Equal("200123456789", answer.Requisites!.WalletNumber);
        Assert.Equal("Druk Merchant", answer.Requisites.AccountName);
        Assert.Null(answer.Requisites.IsCheckAmount);
        Assert.Equal("Bank of Bhutan", answer.Requisites.OtherParams["Bank name"].GetString());
        Assert.Equal(7, answer.Requisites.OtherParams["Branch"].GetInt32());
        Assert.Equal(2, answer.Requisites.OtherParams.Count);

        var request = Assert.Single(_gateway.Requests).RequestMessage!;
        Assert.Equal(GatewayStub.Secret, request.Query!["secret"].Single());
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("""{"currency":"BTN","label":"user-42"}""", JsonSerializer.Serialize(body.RootElement));
    }

    [Fact]
    public async Task The_create_deposit_request_declares_its_content_length_and_is_not_chunked()
    {
        _gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithStatusCode(200)
            .WithBody("""{"status":"ok","params":{"Wallet number":"1","Account name":"A","is_check_amount":null}}"""));

        await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        var request = Assert.Single(_gateway.Requests).RequestMessage!;
        GatewayStub.AssertSentWithContentLength(request);
        Assert.Equal("application/json; charset=utf-8", request.Headers!["Content-Type"].Single());
        Assert.Equal("""{"currency":"BTN","label":"user-42"}""", request.Body);
    }

    [Fact]
    public async Task Fail_answer_is_a_refusal_with_the_gateways_message_and_is_not_retried()
    {
        _gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithStatusCode(200)
            .WithBody("""{"status":"fail","message":"Label is blocked"}"""));

        var answer = await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Refused, answer.Outcome);
        Assert.Equal("Label is blocked", answer.Message);
        Assert.Single(_gateway.Requests);
    }

    [Fact]
    public async Task Fail_answer_with_a_4xx_status_is_still_a_refusal()
    {
        _gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithStatusCode(422)
            .WithBody("""{"status":"fail","message":"Currency is not supported"}"""));

        var answer = await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Refused, answer.Outcome);
        Assert.Equal("Currency is not supported", answer.Message);
    }

    [Fact]
    public async Task Server_error_then_ok_is_retried_and_succeeds()
    {
        _gateway.Server.Given(CreateCall()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("oops"));
        _gateway.Server.Given(CreateCall()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(
                """{"status":"ok","params":{"Wallet number":"1","Account name":"A","is_check_amount":true}}"""));

        var answer = await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Accepted, answer.Outcome);
        Assert.True(answer.Requisites!.IsCheckAmount);
        Assert.Equal(2, _gateway.Requests.Count);
    }

    [Fact]
    public async Task Persistent_server_error_fails_after_the_configured_retries()
    {
        _gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithStatusCode(503));

        var answer = await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Failed, answer.Outcome);
        Assert.Equal(GatewayFailureKind.ServerError, answer.Failure);
        Assert.Equal(3, _gateway.Requests.Count);
    }

    [Fact]
    public async Task Slow_gateway_times_out_per_attempt_and_fails_as_timeout()
    {
        // Answers far slower than the attempts: three 300 ms attempts (and their back-off) once took more than
        // 3 s on a machine at load ~50, though none waited for an answer.
        var answerDelay = TimeSpan.FromSeconds(10);
        using var gateway = new GatewayStub(o => o.Resilience.AttemptTimeout = TimeSpan.FromMilliseconds(300));
        gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithStatusCode(200)
            .WithDelay(answerDelay)
            .WithBody("""{"status":"ok","params":{}}"""));

        var started = DateTime.UtcNow;
        var answer = await gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Failed, answer.Outcome);
        Assert.Equal(GatewayFailureKind.Timeout, answer.Failure);
        Assert.True(DateTime.UtcNow - started < answerDelay, "three 300 ms attempts must not wait for the 10 s answers");
    }

    [Theory]
    [InlineData("{\"status\":\"ok\",\"params\":")]
    [InlineData("<html>Bad gateway</html>")]
    [InlineData("{\"status\":\"ok\"}")]
    [InlineData("{\"status\":\"pending\"}")]
    [InlineData("[]")]
    [InlineData("")]
    public async Task Unreadable_answer_is_a_failure_not_a_refusal_and_not_retried(string body)
    {
        _gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithStatusCode(200).WithBody(body));

        var answer = await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Failed, answer.Outcome);
        Assert.Equal(GatewayFailureKind.UnreadableResponse, answer.Failure);
        Assert.Single(_gateway.Requests);
    }

    [Fact]
    public async Task Closed_port_is_unreachable()
    {
        var port = _gateway.Server.Port;
        _gateway.Server.Stop();

        var answer = await _gateway.Client.CreateDepositAsync("user-42", CancellationToken.None);

        Assert.Equal(GatewayOutcome.Failed, answer.Outcome);
        Assert.Equal(GatewayFailureKind.Unreachable, answer.Failure);
        Assert.True(port > 0);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_gateway_failure()
    {
        _gateway.Server.Given(CreateCall()).RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(2)).WithStatusCode(200));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _gateway.Client.CreateDepositAsync("user-42", cancel.Token));
    }
}

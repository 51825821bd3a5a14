using Paykassma.PluginApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Paykassma.PluginApi.Tests.Client;

public sealed class ClientPossibleTransactionTests : IDisposable
{
    private const string ProofPath = "/api/v1/possible-transaction";
    private const string SuccessBody = """{"status":"success","message":"","code":20000,"data":[],"paginate":{"offset":0,"total":1,"limit":1}}""";
    private readonly GatewayStub _gateway = new();
    private readonly byte[] _screenshot = MakeScreenshot();
    private int _opened;

    public void Dispose() => _gateway.Dispose();

    private IRequestBuilder ProofCall() => Request.Create().WithPath(ProofPath).UsingPost();

    private PossibleTransaction Proof(string customId = "pk_0192f0a1b2c3") => new(
        Label: "user-42",
        TransactionNumber: "123456789012",
        Amount: 300,
        CustomTransactionId: customId,
        ScreenshotFileName: "screenshot.png",
        ScreenshotContentType: "image/png",
        OpenScreenshot: _ =>
        {
            Interlocked.Increment(ref _opened);
            return ValueTask.FromResult<Stream>(new MemoryStream(_screenshot, writable: false));
        });

    private static byte[] MakeScreenshot()
    {
        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        png.CopyTo(bytes, 0);
        return bytes;
    }

    [Fact]
    public async Task Sends_every_field_with_the_gateways_exact_name_and_the_screenshots_exact_bytes()
    {
        _gateway.Server.Given(ProofCall()).RespondWith(Response.Create().WithStatusCode(200).WithBody(SuccessBody));

        var answer = await _gateway.Client.SubmitPossibleTransactionAsync(Proof(), CancellationToken.None);

        Assert.Equal(GatewayOutcome.Accepted, answer.Outcome);
        Assert.False(answer.OutcomeUncertain);
        var request = Assert.Single(_gateway.Requests).RequestMessage!;
        Assert.Equal(GatewayStub.Secret, request.Query!["secret"].Single());
        var parts = await GatewayStub.ReadMultipartAsync(request);
        Assert.Equal(
            ["currency_code", "wallet_type", "label", "key1", "amount", "custom_transaction_id", "screenshot"],
            parts.Keys);
        Assert.Equal("BTN", Text(parts["currency_code"].Bytes));
        Assert.Equal("bnb_ml", Text(parts["wallet_type"].Bytes));
        Assert.Equal("user-42", Text(parts["label"].Bytes));
        Assert.Equal("123456789012", Text(parts["key1"].Bytes));
        Assert.Equal("300", Text(parts["amount"].Bytes));
        Assert.Equal("pk_0192f0a1b2c3", Text(parts["custom_transaction_id"].Bytes));
        Assert.Equal("screenshot.png", parts["screenshot"].FileName);
        Assert.Equal("image/png", parts["screenshot"].ContentType);
        Assert.Equal(_screenshot, parts["screenshot"].Bytes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_proof_request_declares_its_content_length_and_is_not_chunked_whatever_stream_the_screenshot_comes_in(bool seekable)
    {
        _gateway.Server.Given(ProofCall()).RespondWith(Response.Create().WithStatusCode(200).WithBody(SuccessBody));
        var proof = Proof() with
        {
            OpenScreenshot = _ => ValueTask.FromResult<Stream>(seekable
                ? new MemoryStream(_screenshot, writable: false)
                : new ForwardOnlyStream(_screenshot)),
        };

        var answer = await _gateway.Client.SubmitPossibleTransactionAsync(proof, CancellationToken.None);

        Assert.Equal(GatewayOutcome.Accepted, answer.Outcome);
        var request = Assert.Single(_gateway.Requests).RequestMessage!;
        GatewayStub.AssertSentWithContentLength(request);
        Assert.Equal(_screenshot, (await GatewayStub.ReadMultipartAsync(request))["screenshot"].Bytes);
    }

    [Fact]
    public async Task A_retry_rebuilds_the_body_and_resends_the_whole_screenshot()
    {
        _gateway.Server.Given(ProofCall()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        _gateway.Server.Given(ProofCall()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(SuccessBody));

        var answer = await _gateway.Client.SubmitPossibleTransactionAsync(Proof(), CancellationToken.None);

        Assert.Equal(GatewayOutcome.Accepted, answer.Outcome);
        Assert.Equal(2, _opened);
        Assert.Equal(2, _gateway.Requests.Count);
        foreach (var entry in _gateway.Requests)
        {
            var parts = await GatewayStub.ReadMultipartAsync(entry.RequestMessage!);
            Assert.Equal(_screenshot, parts["screenshot"].Bytes);
            Assert.Equal("pk_0192f0a1b2c3", Text(parts["custom_transaction_id"].Bytes));
        }
    }

    [Fact]
    public async Task Refusal_carries_the_gateways_message()
    {
        _gateway.Server.Given(ProofCall()).RespondWith(Response.Create().WithStatusCode(200)
            .WithBody("""{"status":"fail","message":"Transaction not found"}"""));

        var answer = await _gateway.Client.SubmitPossibleTransactionAsync(Proof(), CancellationToken.None);

        Assert.Equal(GatewayOutcome.Refused, answer.Outcome);
        Assert.Equal("Transaction not found", answer.Message);
        Assert.False(answer.OutcomeUncertain);
    }

    [Fact]
    public async Task Timeout_then_already_exists_is_reported_as_uncertain()
    {
        // The first attempt must time out and the retry must not: 3 s is far above a quick answer on a
        // loaded machine (1 s was once exceeded by the retry itself), 10 s far above the timeout.
        using var gateway = new GatewayStub(o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(3));
        gateway.Server.Given(ProofCall()).InScenario("slow").WillSetStateTo("fast")
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(10)).WithStatusCode(200).WithBody(SuccessBody));
        gateway.Server.Given(ProofCall()).InScenario("slow").WhenStateIs("fast")
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithBody("""{"status":"fail","message":"custom_transaction_id already exists"}"""));

        var answer = await gateway.Client.SubmitPossibleTransactionAsync(Proof(), CancellationToken.None);

        Assert.Equal(GatewayOutcome.Refused, answer.Outcome);
        Assert.True(answer.OutcomeUncertain);
    }

    [Fact]
    public async Task Gateway_down_is_a_failure_the_caller_can_queue()
    {
        _gateway.Server.Stop();

        var answer = await _gateway.Client.SubmitPossibleTransactionAsync(Proof(), CancellationToken.None);

        Assert.Equal(GatewayOutcome.Failed, answer.Outcome);
        Assert.Equal(GatewayFailureKind.Unreachable, answer.Failure);
        Assert.False(answer.OutcomeUncertain);
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>A stream that cannot tell its length, like a network or decompression stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

namespace Paykassma.PluginApi.Client;

/// <summary>
/// The user's payment proof as the gateway's possible-transaction call takes it.
/// </summary>
/// <param name="Label">Our user's id.</param>
/// <param name="TransactionNumber">The 12-digit number from the user's bank app (sent as <c>key1</c>).</param>
/// <param name="Amount">Whole ngultrum the user says they paid.</param>
/// <param name="CustomTransactionId">Our unique id for this submission; the postback carries it back.</param>
/// <param name="ScreenshotFileName">A safe file name for the screenshot part.</param>
/// <param name="ScreenshotContentType">The screenshot's media type, e.g. <c>image/png</c>.</param>
/// <param name="OpenScreenshot">
/// Opens the screenshot from its start. Called once per attempt: a consumed stream cannot be sent
/// again, so every retry rebuilds the multipart body from a fresh stream. The client disposes it.
/// Give a seekable stream (a MemoryStream over the bytes): its length goes into the request's
/// Content-Length as it is; any other stream is first read into memory for that.
/// </param>
public sealed record PossibleTransaction(
    string Label,
    string TransactionNumber,
    int Amount,
    string CustomTransactionId,
    string ScreenshotFileName,
    string ScreenshotContentType,
    Func<CancellationToken, ValueTask<Stream>> OpenScreenshot);

/// <summary>The gateway's answer to possible-transaction.</summary>
/// <param name="Outcome">Accepted, refused with a message, or failed.</param>
/// <param name="Message">The gateway's message (refusals; sometimes informative on success).</param>
/// <param name="Failure">Why it failed, when it did.</param>
/// <param name="OutcomeUncertain">
/// True when some attempt of this call may have reached the gateway without us seeing the answer
/// (a timeout, a 5xx, a connection cut mid-request). A later "already exists" refusal for the same
/// custom_transaction_id then most likely means that attempt was delivered.
/// </param>
public sealed record PossibleTransactionAnswer(
    GatewayOutcome Outcome,
    string? Message,
    GatewayFailureKind? Failure,
    bool OutcomeUncertain);

using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;
using Polly.Timeout;

namespace Paykassma.PluginApi.Client;

/// <summary>
/// Typed client for the gateway's plugin API. It never throws for the gateway's behaviour: every
/// call ends Accepted, Refused (the gateway said <c>fail</c>, with its message) or Failed (we got
/// no usable answer), so callers decide between "show the user the message" and "try later".
/// </summary>
public sealed class PluginApiClient(
    HttpClient http,
    IOptionsMonitor<PaykassmaOptions> options,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    PluginApiMetrics metrics,
    ILogger<PluginApiClient> logger)
{
    internal const string PipelineName = "paykassma-plugin-api";
    internal const int MaxResponseBytes = 1024 * 1024;

    private static readonly MediaTypeHeaderValue JsonUtf8 = new("application/json") { CharSet = "utf-8" };

    public async Task<CreateDepositAnswer> CreateDepositAsync(string label, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var path = "api/v1/transaction/create/" + Uri.EscapeDataString(settings.WalletType);
        // Serialized to bytes once, so the body has a Content-Length: JsonContent streams it and
        // goes out chunked, which PHP behind some FastCGI proxies refuses or reads as empty.
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new CreateDepositPayload(settings.Currency, label), PluginApiJsonContext.Default.CreateDepositPayload);

        var call = await SendAsync("create-deposit", () => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(payload) { Headers = { ContentType = JsonUtf8 } },
        }, openContent: null, cancellationToken);

        if (call.Failure is { } failure)
        {
            return CreateDepositAnswer.Failed(failure);
        }

        var reply = call.Reply!;
        if (reply.IsSuccess
            && reply.Params is { } rawParams
            && DepositRequisites.FromParams(rawParams) is { } requisites)
        {
            return CreateDepositAnswer.Accepted(requisites, rawParams);
        }

        return reply.IsFail
            ? CreateDepositAnswer.Refused(RefusalMessage(reply))
            : CreateDepositAnswer.Failed(GatewayFailureKind.UnreadableResponse);
    }

    public async Task<PossibleTransactionAnswer> SubmitPossibleTransactionAsync(
        PossibleTransaction proof, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var settings = options.CurrentValue;

        var call = await SendAsync("possible-transaction",
            () => new HttpRequestMessage(HttpMethod.Post, "api/v1/possible-transaction"),
            async (request, ct) => request.Content = await BuildProofContentAsync(proof, settings, ct),
            cancellationToken);

        if (call.Failure is { } failure)
        {
            return new PossibleTransactionAnswer(GatewayOutcome.Failed, null, failure, call.OutcomeUncertain);
        }

        var reply = call.Reply!;
        if (reply.IsSuccess)
        {
            return new PossibleTransactionAnswer(GatewayOutcome.Accepted, reply.Message, null, call.OutcomeUncertain);
        }

        return reply.IsFail
            ? new PossibleTransactionAnswer(GatewayOutcome.Refused, RefusalMessage(reply), null, call.OutcomeUncertain)
            : new PossibleTransactionAnswer(GatewayOutcome.Failed, null, GatewayFailureKind.UnreadableResponse, OutcomeUncertain: true);
    }

    /// <summary>
    /// Asks the gateway to pay a user out. The request is signed with <c>WithdrawalPrivateKey</c>
    /// (<see cref="Withdrawals.WithdrawalSignature"/>) and sent without the plugin secret. Retried
    /// within the call like every other: the withdrawal_id makes a repeat recognisable to the gateway.
    /// </summary>
    public async Task<Withdrawals.WithdrawalAnswer> CreateWithdrawalAsync(Withdrawals.WithdrawalRequest withdrawal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(withdrawal);
        var signature = Withdrawals.WithdrawalSignature.Compute(withdrawal.Fields(), options.CurrentValue.WithdrawalPrivateKey);
        var payload = withdrawal.ToJson(signature);

        var call = await SendAsync("withdrawal-create", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "v2/withdrawal/create")
            {
                Content = new ByteArrayContent(payload) { Headers = { ContentType = JsonUtf8 } },
            };
            request.Options.Set(SecretQueryHandler.WithoutSecret, true);
            return request;
        }, openContent: null, cancellationToken);

        if (call.Failure is { } failure)
        {
            return new Withdrawals.WithdrawalAnswer(GatewayOutcome.Failed, null, failure, call.OutcomeUncertain);
        }
        var reply = call.Reply!;
        if (reply.IsSuccess)
        {
            return new Withdrawals.WithdrawalAnswer(GatewayOutcome.Accepted, reply.Message, null, call.OutcomeUncertain);
        }
        return reply.IsFail
            ? new Withdrawals.WithdrawalAnswer(GatewayOutcome.Refused, RefusalMessage(reply), null, call.OutcomeUncertain)
            : new Withdrawals.WithdrawalAnswer(GatewayOutcome.Failed, null, GatewayFailureKind.UnreadableResponse, OutcomeUncertain: true);
    }

    /// <summary>
    /// The gateway's multipart form with exactly its field names. The screenshot part is quoted
    /// the way browsers send it; text parts carry no content type, as in a browser form post.
    /// Every part has a known length, so the form has a Content-Length and is never sent chunked.
    /// </summary>
    private static async Task<MultipartFormDataContent> BuildProofContentAsync(
        PossibleTransaction proof, PaykassmaOptions settings, CancellationToken cancellationToken)
    {
        var form = new MultipartFormDataContent();
        AddText(form, "currency_code", settings.Currency);
        AddText(form, "wallet_type", settings.WalletType);
        AddText(form, "label", proof.Label);
        AddText(form, "key1", proof.TransactionNumber);
        AddText(form, "amount", proof.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddText(form, "custom_transaction_id", proof.CustomTransactionId);

        var screenshot = await LengthKnownContentAsync(await proof.OpenScreenshot(cancellationToken), cancellationToken);
        screenshot.Headers.ContentType = new MediaTypeHeaderValue(proof.ScreenshotContentType);
        screenshot.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
        {
            Name = "\"screenshot\"",
            FileName = "\"" + proof.ScreenshotFileName + "\"",
        };
        form.Add(screenshot);
        return form;
    }

    /// <summary>
    /// A seekable stream is sent as it is (its length is known); any other is read into memory
    /// first. A multipart form whose parts' lengths are not all known goes out chunked, and the
    /// gateway's PHP behind a FastCGI proxy may refuse such a body or read it as empty.
    /// </summary>
    private static async Task<HttpContent> LengthKnownContentAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            return new StreamContent(stream);
        }
        await using (stream)
        {
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            return new ByteArrayContent(buffer.GetBuffer(), 0, checked((int)buffer.Length));
        }
    }

    private static void AddText(MultipartFormDataContent form, string name, string value)
    {
        var part = new StringContent(value);
        part.Headers.ContentType = null;
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"" + name + "\"" };
        form.Add(part);
    }

    private static string RefusalMessage(GatewayReply reply) =>
        string.IsNullOrWhiteSpace(reply.Message) ? "The gateway refused without a message." : reply.Message;

    /// <summary>
    /// Runs one gateway call through the resilience pipeline (total timeout, jittered retries of
    /// transient failures, per-attempt timeout). Each attempt builds a new request, and a new body
    /// when <paramref name="openContent"/> is given, because a sent request cannot be sent again.
    /// </summary>
    private async Task<CallResult> SendAsync(
        string operation,
        Func<HttpRequestMessage> newRequest,
        Func<HttpRequestMessage, CancellationToken, Task>? openContent,
        CancellationToken cancellationToken)
    {
        var pipeline = pipelines.GetPipeline<GatewayReply>(PipelineName);
        var started = time.GetTimestamp();
        var state = new AttemptState();

        try
        {
            var reply = await pipeline.ExecuteAsync(async ct =>
            {
                state.Attempts++;
                using var request = newRequest();
                if (openContent is not null)
                {
                    await openContent(request, ct);
                }

                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                    var body = await response.Content.ReadAsByteArrayAsync(ct);
                    var reply = GatewayReply.Parse((int)response.StatusCode, body);
                    if (reply.HttpStatus >= 500 && reply.HttpStatus != 503)
                    {
                        state.OutcomeUncertain = true;
                    }
                    return reply;
                }
                catch (HttpRequestException ex) when (ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
                                                       && ex.InnerException is not SocketException)
                {
                    state.OutcomeUncertain = true;
                    throw;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The attempt's timeout fired: the gateway may still act on what it received.
                    state.OutcomeUncertain = true;
                    throw;
                }
            }, cancellationToken);

            if (reply.IsTransientHttpError)
            {
                return Finish(operation, started, state, CallResult.Failed(GatewayFailureKind.ServerError, state));
            }
            if (!reply.IsSuccess && !reply.IsFail)
            {
                return Finish(operation, started, state, CallResult.Failed(GatewayFailureKind.UnreadableResponse, state));
            }
            return Finish(operation, started, state, new CallResult(reply, null, state.OutcomeUncertain));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or OperationCanceledException)
        {
            state.OutcomeUncertain = true;
            return Finish(operation, started, state, CallResult.Failed(GatewayFailureKind.Timeout, state));
        }
        catch (HttpRequestException)
        {
            // Also covers an answer larger than MaxResponseBytes: not one the gateway would send.
            return Finish(operation, started, state, CallResult.Failed(GatewayFailureKind.Unreachable, state));
        }
    }

    private CallResult Finish(string operation, long started, AttemptState state, CallResult result)
    {
        var elapsed = time.GetElapsedTime(started);
        var elapsedMs = elapsed.TotalMilliseconds;
        if (result.Failure is { } failure)
        {
            PluginApiLog.CallFailed(logger, operation, failure, state.Attempts, elapsedMs);
            metrics.Record(operation, GatewayOutcome.Failed, failure, elapsed.TotalSeconds);
        }
        else
        {
            var outcome = result.Reply!.IsFail ? GatewayOutcome.Refused : GatewayOutcome.Accepted;
            PluginApiLog.CallEnded(logger, operation, outcome, state.Attempts, elapsedMs);
            metrics.Record(operation, outcome, null, elapsed.TotalSeconds);
            if (outcome == GatewayOutcome.Refused)
            {
                PluginApiLog.CallRefused(logger, operation, RefusalMessage(result.Reply));
            }
        }
        return result;
    }

    private sealed class AttemptState
    {
        public int Attempts;
        public bool OutcomeUncertain;
    }

    private sealed record CallResult(GatewayReply? Reply, GatewayFailureKind? Failure, bool OutcomeUncertain)
    {
        public static CallResult Failed(GatewayFailureKind kind, AttemptState state) => new(null, kind, state.OutcomeUncertain);
    }
}

internal sealed record CreateDepositPayload(
    [property: System.Text.Json.Serialization.JsonPropertyName("currency")] string Currency,
    [property: System.Text.Json.Serialization.JsonPropertyName("label")] string Label);

[System.Text.Json.Serialization.JsonSerializable(typeof(CreateDepositPayload))]
internal sealed partial class PluginApiJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// One attempt to hand a postback to the merchant. Delivered means exactly what the gateway accepts:
/// HTTP 200 with the JSON body <c>{"status":"ok"}</c>. Anything else, including a 200 with another body,
/// is a request for a resend.
/// </summary>
internal sealed partial class PostbackDelivery(
    IHttpClientFactory httpClients,
    IOptions<PostbackOptions> options,
    TimeProvider time,
    ILogger<PostbackDelivery> logger)
{
    public const string HttpClientName = "Paykassma.Sandbox.Postbacks";

    /// <summary>More than any ok answer needs; a larger body is read this far and counted as not ok.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly Uri? _url = options.Value.Url;
    private readonly TimeSpan _timeout = options.Value.Timeout;

    public bool CanSend => _url is not null;

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the host is stopping).</exception>
    public async Task<PostbackAttempt> AttemptAsync(PostbackRecord record, CancellationToken cancellationToken)
    {
        var url = _url ?? throw new InvalidOperationException("Sandbox:PostbackUrl is not set.");
        var number = record.NextAttemptNumber();
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        int? statusCode = null;
        string? answer = null;
        string? error = null;
        var ok = false;

        using var timeout = new CancellationTokenSource(_timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // The same bytes on every attempt: a new content object each time, because one cannot be sent twice.
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(record.Body) };
            request.Content.Headers.ContentType = JsonContentType;
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            statusCode = (int)response.StatusCode;
            var answerBytes = await ReadAnswerAsync(response.Content, linked.Token);
            answer = PostbackAttempt.TruncateAnswer(Encoding.UTF8.GetString(answerBytes));
            ok = response.StatusCode == HttpStatusCode.OK && SaysOk(answerBytes);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            error = statusCode is null
                ? $"no answer within {_timeout.TotalSeconds} s"
                : $"answer body not complete within {_timeout.TotalSeconds} s";
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            error = $"{exception.GetType().Name}: {exception.Message}";
        }

        var attempt = new PostbackAttempt(number, startedAt, time.GetElapsedTime(started).TotalMilliseconds, statusCode, error, answer, ok);
        record.Record(attempt);
        if (ok)
        {
            LogAnsweredOk(logger, record.Facts.Id, record.Facts.Kind, number, record.Facts.CustomTransactionId);
        }
        else
        {
            LogNotDelivered(logger, record.Facts.Id, record.Facts.Kind, number, statusCode, error ?? "answer is not {\"status\":\"ok\"}");
        }

        return attempt;
    }

    private static async Task<byte[]> ReadAnswerAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxAnswerBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return buffer[..length];
    }

    /// <summary>A JSON object whose <c>status</c> is the string <c>ok</c>; other keys do not matter.</summary>
    internal static bool SaysOk(ReadOnlyMemory<byte> answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.String
                && status.ValueEquals("ok"u8);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Postback {PostbackId} ({Kind}) attempt {Attempt} answered ok (custom_transaction_id {CustomTransactionId})")]
    private static partial void LogAnsweredOk(ILogger logger, long postbackId, PostbackKind kind, int attempt, string? customTransactionId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Postback {PostbackId} ({Kind}) attempt {Attempt} not delivered: HTTP {StatusCode}, {Problem}")]
    private static partial void LogNotDelivered(ILogger logger, long postbackId, PostbackKind kind, int attempt, int? statusCode, string problem);
}

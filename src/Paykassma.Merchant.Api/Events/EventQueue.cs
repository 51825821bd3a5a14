using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Events;

/// <summary>
/// Outbox events as dispatched work: one attempt POSTs a claimed event to <c>Events:WebhookUrl</c>,
/// signed per Standard Webhooks (<see cref="WebhookSignature"/>), delivered only on a 2xx. A timeout, a
/// redirect, any other status is a retry. The claim, the budget (<c>Events:Dispatcher:MaxAttempts</c>,
/// then <c>failed</c> and listed for ops), the back-off and the recording are Dispatching's (ADR 0020);
/// the SQL is <see cref="EventStatements"/>'.
/// </summary>
public sealed partial class EventQueue(
    IHttpClientFactory clients,
    IOptions<EventOptions> options,
    TimeProvider time,
    MerchantMetrics metrics,
    ILogger<EventQueue> logger) : IDispatchQueue<ClaimedEvent>
{
    public const string ClientName = "webhooks";

    public async Task<AttemptOutcome> AttemptAsync(ClaimedEvent outboxEvent, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = Body(outboxEvent);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var id = outboxEvent.Id.ToString();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } },
            };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(settings.WebhookSecret, id, timestamp, body));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.Timeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode
                ? AttemptOutcome.Delivered()
                : AttemptOutcome.Retry("http_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptOutcome.Retry("timeout");
        }
        catch (HttpRequestException)
        {
            return AttemptOutcome.Retry("unreachable");
        }
    }

    public void Report(ClaimedEvent outboxEvent, AttemptReport report)
    {
        metrics.EventDelivery(EventTransitions.Attempt.Text(report.Result));
        if (report.Result == AttemptResult.GiveUp)
        {
            LogGaveUp(logger, outboxEvent.Id, outboxEvent.Type, outboxEvent.Attempts, report.Outcome.Error ?? "");
        }
        else if (report.Result == AttemptResult.Retry)
        {
            LogRetrying(logger, outboxEvent.Id, outboxEvent.Type, outboxEvent.Attempts, report.Outcome.Error ?? "");
        }
    }

    /// <summary>The webhook body: the same bytes on every attempt (the data was fixed when the change was made).</summary>
    internal static byte[] Body(ClaimedEvent outboxEvent)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", outboxEvent.Type);
            json.WriteString("timestamp", outboxEvent.CreatedAt.ToUniversalTime());
            json.WritePropertyName("data");
            json.WriteRawValue(outboxEvent.Data);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Event {EventId} ({Type}) not delivered (attempt {Attempt}, {Error}); it will be retried")]
    private static partial void LogRetrying(ILogger logger, Guid eventId, string type, int attempt, string error);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error,
        Message = "Event {EventId} ({Type}) failed after {Attempts} attempts ({Error}); the ledger has not heard of it: POST /api/ops/events/{{id}}/redeliver")]
    private static partial void LogGaveUp(ILogger logger, Guid eventId, string type, int attempts, string error);
}

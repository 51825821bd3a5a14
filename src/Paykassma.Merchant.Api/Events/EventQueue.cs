using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Events;

/// <summary>
/// Outbox events as dispatched work: each due event is claimed by one dispatcher (SKIP LOCKED, a
/// lease, the attempt number), POSTed to <c>Events:WebhookUrl</c> signed per Standard Webhooks, and
/// delivered only on a 2xx. A timeout, a redirect, any other status is a failure, retried with
/// back-off; after the limit the event is <c>failed</c> and listed for ops.
/// </summary>
public sealed partial class EventQueue(
    MerchantDbContext db,
    NpgsqlDataSource dataSource,
    IHttpClientFactory clients,
    IOptions<EventOptions> options,
    TimeProvider time,
    MerchantMetrics metrics,
    ILogger<EventQueue> logger) : IDispatchQueue<OutboxEvent>
{
    public const string ClientName = "webhooks";

    public async Task<IReadOnlyList<OutboxEvent>> ClaimDueAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = await dataSource.ClaimIdsAsync(EventStatements.ClaimDue, time.GetUtcNow(), lease, batchSize, cancellationToken);
        return claimed.Count == 0 ? [] : await db.OutboxEvents.AsNoTracking().Where(e => claimed.Contains(e.Id)).ToListAsync(cancellationToken);
    }

    public async Task DeliverAsync(OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = Body(outboxEvent);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var id = outboxEvent.Id.ToString();
        string? error;
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
            error = response.IsSuccessStatusCode ? null : "http_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = "timeout";
        }
        catch (HttpRequestException)
        {
            error = "unreachable";
        }

        var giveUp = error is not null && outboxEvent.Attempts >= settings.Dispatcher.MaxAttempts;
        var (move, retryAt) = error is null ? (EventMove.Deliver, (DateTimeOffset?)null)
            : giveUp ? (EventMove.GiveUp, null)
            : (EventMove.Retry, time.GetUtcNow() + settings.Dispatcher.RetryDelay(outboxEvent.Attempts));
        var status = EventTransitions.Moves.To(move);
        await using var command = dataSource.CreateCommand(EventStatements.RecordAttempt);
        command.Parameters.With(outboxEvent.Id).With(outboxEvent.Attempts).With(SnakeCaseEnumConverter<EventStatus>.ToText(status))
            .WithNullable(error, NpgsqlDbType.Text).WithNullable(retryAt, NpgsqlDbType.TimestampTz).With(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        metrics.EventDelivery(SnakeCaseEnumConverter<EventStatus>.ToText(status));
        if (giveUp)
        {
            LogGaveUp(logger, outboxEvent.Id, outboxEvent.Type, outboxEvent.Attempts, error!);
        }
        else if (error is not null)
        {
            LogRetrying(logger, outboxEvent.Id, outboxEvent.Type, outboxEvent.Attempts, error);
        }
    }

    /// <summary>The webhook body: the same bytes on every attempt (the data was fixed when the change was made).</summary>
    internal static byte[] Body(OutboxEvent outboxEvent)
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

using System.Net;
using System.Net.ServerSentEvents;
using Paykassma.Merchant.Api.LiveStatus;

namespace Paykassma.Merchant.Api.Tests.LiveStatus;

/// <summary>One open deposit event stream, read event by event as EventSource would.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private EventStream(HttpClient client, HttpResponseMessage response, Stream body)
    {
        _client = client;
        Response = response;
        _events = SseParser.Create(body).EnumerateAsync(_timeout.Token).GetAsyncEnumerator(_timeout.Token);
    }

    public HttpResponseMessage Response { get; }

    public static async Task<EventStream> OpenAsync(HttpClient client, Guid depositId, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/deposits/{depositId}/events");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new EventStream(client, response, await response.Content.ReadAsStreamAsync());
    }

    public async Task<SseItem<string>> NextAsync(bool skipHeartbeats = true)
    {
        while (await _events.MoveNextAsync())
        {
            if (!skipHeartbeats || _events.Current.EventType != LiveStatusStream.HeartbeatEvent)
            {
                return _events.Current;
            }
        }
        throw new InvalidOperationException("The stream ended.");
    }

    /// <summary>The next event of any kind (heartbeats too); null when the server ended the stream.</summary>
    public async Task<SseItem<string>?> TryNextAsync() => await _events.MoveNextAsync() ? _events.Current : null;

    /// <summary>True when the server ends the stream (heartbeats aside) before anything else comes.</summary>
    public async Task<bool> EndsAsync()
    {
        while (await _events.MoveNextAsync())
        {
            if (_events.Current.EventType != LiveStatusStream.HeartbeatEvent)
            {
                return false;
            }
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        Response.Dispose();
        _client.Dispose();
        _timeout.Dispose();
    }
}

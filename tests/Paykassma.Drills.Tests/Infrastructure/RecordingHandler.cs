using System.Collections.Concurrent;
using System.Text;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>Keeps the status line, headers and body of every answer a client receives, for "never in a response" checks.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<string> Answers { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var text = new StringBuilder()
            .Append(request.Method).Append(' ').Append(request.RequestUri?.PathAndQuery).Append(" → ").Append((int)response.StatusCode).AppendLine()
            .Append(response.Headers).Append(response.Content.Headers)
            .Append(await response.Content.ReadAsStringAsync(cancellationToken));
        Answers.Enqueue(text.ToString());
        return response;
    }
}

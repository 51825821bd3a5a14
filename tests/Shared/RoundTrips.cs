using System.Collections.Concurrent;
using System.Diagnostics;

namespace Paykassma.Tests.Shared;

/// <summary>
/// Counts the database round trips one HTTP request makes: every command or batch Npgsql sends is a
/// span of its "Npgsql" activity source, and a request that carries a <c>traceparent</c> of its own
/// makes its server span (and so every span under it) share that trace id. Spans of other requests,
/// other tests and the background jobs have other trace ids and are not counted; nothing is sampled
/// outside the measured traces, so the listener changes nothing for the rest of the process.
/// Works in-process only (the service started by WebApplicationFactory); dispose it when done.
/// </summary>
public sealed class RoundTrips : IDisposable
{
    /// <summary>A span of a physical connection's opening: a pool's business, not the request's.</summary>
    private const string PhysicalOpen = "CONNECT";

    private readonly ConcurrentDictionary<ActivityTraceId, ConcurrentQueue<string>> _traces = new();
    private readonly ActivityListener _listener;

    public RoundTrips()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                _traces.ContainsKey(options.Parent.TraceId) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && _traces.TryGetValue(activity.TraceId, out var statements)
                    && !activity.DisplayName.StartsWith(PhysicalOpen, StringComparison.OrdinalIgnoreCase))
                {
                    statements.Enqueue(StatementOf(activity));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>
    /// Marks <paramref name="request"/> as measured and sends it; returns the response and the statements
    /// it ran, in the order they ended (their text, or their span's name where no text was recorded).
    /// </summary>
    public async Task<(HttpResponseMessage Response, IReadOnlyList<string> Statements)> SendAsync(
        HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var trace = ActivityTraceId.CreateRandom();
        var statements = new ConcurrentQueue<string>();
        _traces[trace] = statements;
        try
        {
            request.Headers.Remove("traceparent");
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            var response = await client.SendAsync(request, cancellationToken);
            // The server span ends after the response is written; its last statements end before it.
            return (response, statements.ToArray());
        }
        finally
        {
            _traces.TryRemove(trace, out _);
        }
    }

    /// <summary>The count only, for a test that asserts it.</summary>
    public async Task<(HttpResponseMessage Response, int Count)> CountAsync(
        HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var (response, statements) = await SendAsync(client, request, cancellationToken);
        return (response, statements.Count);
    }

    private static string StatementOf(Activity activity) =>
        (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) as string ?? activity.DisplayName;

    public void Dispose() => _listener.Dispose();
}

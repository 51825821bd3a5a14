using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>One HTTP attempt: when it started and ended (drill clock), the status (0: no answer) and whether it was ok.</summary>
public sealed record PostbackAttempt(string TransactionId, TimeSpan Started, TimeSpan Ended, int Status, bool Ok, string? Error);

/// <summary>
/// Senders that behave like the gateway: each sends a new, uniquely numbered, correctly signed
/// postback and resends the same bytes (after a short pause) until it hears 200 {"status":"ok"},
/// whatever happens in between: connection refused, connection reset, timeouts, 503s.
/// </summary>
public sealed class PostbackStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly Func<TimeSpan> _clock;
    private readonly int _senders;
    private readonly TimeSpan _retryPause;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<Task> _tasks = [];

    public PostbackStream(string baseUrl, Func<TimeSpan> clock, int senders = 8, TimeSpan? retryPause = null)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            BaseAddress = new Uri(baseUrl),
            // The sandbox's (and the gateway's) per-attempt limit.
            Timeout = TimeSpan.FromSeconds(10),
        };
        _clock = clock;
        _senders = senders;
        _retryPause = retryPause ?? TimeSpan.FromMilliseconds(50);
    }

    /// <summary>Transaction id → when it was first sent.</summary>
    public ConcurrentDictionary<string, TimeSpan> Sent { get; } = new();

    /// <summary>Transaction id → when the ok arrived.</summary>
    public ConcurrentDictionary<string, TimeSpan> Acked { get; } = new();

    public ConcurrentQueue<PostbackAttempt> Attempts { get; } = new();

    /// <summary>Postbacks still without an ok when the stream was stopped and its grace period ran out.</summary>
    public ConcurrentBag<string> Unfinished { get; } = [];

    public void Start()
    {
        for (var i = 0; i < _senders; i++)
        {
            _tasks.Add(Task.Run(SendLoopAsync));
        }
    }

    /// <summary>No new postbacks; each sender keeps resending its current one until ok or until <paramref name="grace"/> runs out.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _stop.CancelAsync();
        var all = Task.WhenAll(_tasks);
        if (await Task.WhenAny(all, Task.Delay(grace)) != all)
        {
            await _abort.CancelAsync();
            await all;
        }
    }

    private async Task SendLoopAsync()
    {
        while (!_stop.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            var transactionId = DrillPostbacks.NewTransactionId();
            var body = DrillPostbacks.For(transactionId, "drill-" + transactionId);
            Sent[transactionId] = _clock();
            while (true)
            {
                if (_abort.IsCancellationRequested)
                {
                    Unfinished.Add(transactionId);
                    return;
                }
                var started = _clock();
                int status;
                bool ok;
                string? error = null;
                try
                {
                    using var answer = await DrillPostbacks.SendAsync(_client, body, _abort.Token);
                    status = (int)answer.StatusCode;
                    ok = await DrillPostbacks.IsOkAsync(answer, _abort.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or SocketException)
                {
                    status = 0;
                    ok = false;
                    error = ex.GetType().Name;
                }
                Attempts.Enqueue(new PostbackAttempt(transactionId, started, _clock(), status, ok, error));
                if (ok)
                {
                    Acked[transactionId] = _clock();
                    break;
                }
                try
                {
                    await Task.Delay(_retryPause, _abort.Token);
                }
                catch (TaskCanceledException)
                {
                }
            }
        }
    }

    /// <summary>"200: 1234, 503: 56, no answer: 78" over the given attempts.</summary>
    public static string Tally(IEnumerable<PostbackAttempt> attempts) =>
        string.Join(", ", attempts.GroupBy(a => a.Status).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {g.Count()}"))
        is { Length: > 0 } text ? text : "none";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _abort.CancelAsync();
        try
        {
            await Task.WhenAll(_tasks);
        }
        catch (OperationCanceledException)
        {
        }
        _client.Dispose();
        _stop.Dispose();
        _abort.Dispose();
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Paykassma.Bench;

/// <summary>
/// An open-loop load generator at a fixed rate (what wrk2 does; wrk2 is not packaged by Debian).
/// Request i is due at start + i/rate whether or not earlier ones have finished, and its latency is
/// measured from that due time, not from when it was actually sent: a stall of the service therefore
/// shows in the percentiles instead of silently slowing the generator down (no coordinated omission).
/// Every recorded latency is kept, and percentiles are exact.
/// </summary>
internal static class PacedLoad
{
    public static async Task<JsonObject> RunAsync(Args args)
    {
        var url = args.Text("url");
        var path = args.Text("path", "/api/paykassma/postback");
        var rate = args.Double("rate");
        var duration = TimeSpan.FromSeconds(args.Double("duration"));
        var warmup = TimeSpan.FromSeconds(args.Double("warmup", 2));
        var connections = args.Int("connections", 64);
        var bodies = (await File.ReadAllLinesAsync(args.Text("bodies"))).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();

        using var client = Http.Client(url, connections, TimeSpan.FromSeconds(30));
        await Http.WarmConnectionsAsync(client, connections, "/health/live");

        var next = 0;
        // Warm-up at the same rate: connections, JIT and pools settle; not recorded.
        await RunScheduleAsync(client, path, bodies, rate, warmup, () => next++, record: null);
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new long[total];
        var statuses = new int[total];
        var lags = new long[total];
        var cpu = CpuMeter.Start(args);
        var started = Stopwatch.GetTimestamp();
        var wrapped = 0;
        await RunScheduleAsync(client, path, bodies, rate, duration, () =>
        {
            if (next >= bodies.Length)
            {
                wrapped++;
            }
            return next++;
        }, (i, latency, status, lag) =>
        {
            latencies[i] = latency;
            statuses[i] = status;
            lags[i] = lag;
        });
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var usage = cpu.Stop();

        var ok = statuses.Count(s => s == 200);
        var result = new JsonObject
        {
            ["rate_target"] = rate,
            ["duration_s"] = Math.Round(elapsed, 2),
            ["connections"] = connections,
            ["sent"] = total,
            ["ok"] = ok,
            ["non_ok"] = total - ok,
            ["reused_bodies"] = wrapped,
            ["achieved_rate"] = Math.Round(ok / elapsed, 1),
            ["latency"] = Latencies.Summary(latencies),
            ["send_lag"] = Latencies.Summary(lags),
            ["cpu"] = usage,
        };
        return result;
    }

    private static async Task RunScheduleAsync(
        HttpClient client, string path, byte[][] bodies, double rate, TimeSpan duration, Func<int> nextBody,
        Action<int, long, int, long>? record)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>(count);
        var json = MediaTypeHeaderValue.Parse("application/json");
        for (var i = 0; i < count;)
        {
            var now = Stopwatch.GetTimestamp();
            // Launch everything that is due; then sleep a tick (the timer's resolution is ~1 ms,
            // and a late launch is charged to the latency since it is measured from the due time).
            while (i < count && start + (long)(i * interval) <= now)
            {
                var due = start + (long)(i * interval);
                var body = bodies[nextBody() % bodies.Length];
                inFlight.Add(SendAsync(client, path, body, json, due, i, record));
                i++;
            }
            if (i < count)
            {
                var wait = start + (long)(i * interval) - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromTicks(Math.Max(1, wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
                }
            }
        }
        await Task.WhenAll(inFlight);
    }

    private static async Task SendAsync(
        HttpClient client, string path, byte[] body, MediaTypeHeaderValue json, long due, int index, Action<int, long, int, long>? record)
    {
        await Task.Yield();
        var sent = Stopwatch.GetTimestamp();
        int status;
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = json;
            using var response = await client.PostAsync(path, content);
            await response.Content.LoadIntoBufferAsync();
            status = (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            status = 0;
        }
        var done = Stopwatch.GetTimestamp();
        record?.Invoke(index, ToMicroseconds(done - due), status, ToMicroseconds(sent - due));
    }

    private static long ToMicroseconds(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}

using System.Diagnostics;
using System.Runtime;
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
    /// <summary>Methods compiled in a warm-up second that still count as quiet.</summary>
    private const int QuietJitMethods = 5;

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
        // Then on, a second at a time, until this process's JIT has gone quiet (at most 8 s more). On a
        // busy machine its tier-1 compilations trailed the 2 s warm-up by seconds: in one profile the
        // generator spent 0.19 s of CPU compiling within one measured second, beside the service it
        // measures (bench/README.md, "Where the fixed-rate run's CPU goes").
        var extraWarmup = 0;
        for (var compiled = JitInfo.GetCompiledMethodCount(); extraWarmup < 8;)
        {
            await RunScheduleAsync(client, path, bodies, rate, TimeSpan.FromSeconds(1), () => next++, record: null);
            extraWarmup++;
            var now = JitInfo.GetCompiledMethodCount();
            if (now - compiled <= QuietJitMethods)
            {
                break;
            }
            compiled = now;
        }
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
            ["warmup_s"] = warmup.TotalSeconds + extraWarmup,
            ["achieved_rate"] = Math.Round(ok / elapsed, 1),
            ["latency"] = Latencies.Summary(latencies),
            ["send_lag"] = Latencies.Summary(lags),
            // Per second of the schedule: whether the tail is spread out or a few stalls (a checkpoint,
            // a vacuum, a collection) that a single p99 cannot tell apart.
            ["p99_ms_by_second"] = new JsonArray(latencies.Chunk(Math.Max(1, (int)rate))
                .Select(second => (JsonNode)Latencies.Ms(Latencies.Percentile(second.Order().ToArray(), 99))).ToArray()),
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
        var inFlight = new List<Task>(count);
        var json = MediaTypeHeaderValue.Parse("application/json");
        // The launcher is a thread of its own that sleeps between launches. Sleeping is what keeps the
        // generator cheap: this loop once awaited Task.Delay for the sub-millisecond wait to the next
        // launch, which rounds down to 0 ms and completes at once, so it spun a core (80 % of one at
        // 1000/s) that the service and PostgreSQL needed. Thread.Sleep(1) wakes after about 1.1 ms here,
        // where the thread pool's timer woke after 2-4; a late launch is charged to the latency anyway,
        // since latency is measured from the due time, and send_lag reports how late launches were.
        var launcher = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < count;)
            {
                var now = Stopwatch.GetTimestamp();
                while (i < count && start + (long)(i * interval) <= now)
                {
                    var due = start + (long)(i * interval);
                    var body = bodies[nextBody() % bodies.Length];
                    inFlight.Add(SendAsync(client, path, body, json, due, i, record));
                    i++;
                }
                if (i < count && start + (long)(i * interval) > Stopwatch.GetTimestamp())
                {
                    Thread.Sleep(1);
                }
            }
        }) { IsBackground = true, Name = "paced-launcher", Priority = ThreadPriority.AboveNormal };
        launcher.Start();
        await Task.Run(launcher.Join);
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

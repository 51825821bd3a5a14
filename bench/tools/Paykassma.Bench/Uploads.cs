using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Paykassma.Bench;

/// <summary>
/// Proof uploads, closed loop: N workers each upload a screenshot of the given size, wait for the
/// answer, and upload the next, for the given time. Each upload has its own 12-digit transaction
/// number; the screenshots are PNG by their magic bytes and random after that (a real PNG is
/// compressed, so PostgreSQL's TOAST compression would gain nothing either). The API's peak RSS
/// during the run is read from /proc (VmHWM, reset at the start through clear_refs) and sampled.
/// </summary>
internal static class Uploads
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static async Task<JsonObject> RunAsync(Args args)
    {
        var url = args.Text("url");
        var token = args.Text("token");
        var size = args.Int("size");
        var concurrency = args.Int("concurrency", 8);
        var duration = TimeSpan.FromSeconds(args.Double("duration"));
        var warmup = args.Int("warmup", 8);
        var depositCount = args.Int("deposits", 16);
        var numberBase = args.Long("number-base", 200_000_000_000);
        var pid = args.Optional("watch-pid");

        using var client = Http.Client(url, concurrency + 2, TimeSpan.FromSeconds(60));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var deposits = new Guid[depositCount];
        for (var i = 0; i < deposits.Length; i++)
        {
            using var created = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });
            created.EnsureSuccessStatusCode();
            var json = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            deposits[i] = Guid.Parse(json["id"]!.GetValue<string>());
        }

        var counter = numberBase;
        long NextNumber() => Interlocked.Increment(ref counter);
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();

        // Warm-up (not recorded): first uploads pay for JIT and buffer pools.
        await RunWorkersAsync(client, deposits, size, concurrency, NextNumber, TimeSpan.MaxValue, warmup, statuses: null, latencies: null);

        using var watch = pid is null ? null : new RssWatch(int.Parse(pid, CultureInfo.InvariantCulture));
        var latencies = new System.Collections.Concurrent.ConcurrentBag<long>();
        var cpu = CpuMeter.Start(args);
        var started = Stopwatch.GetTimestamp();
        await RunWorkersAsync(client, deposits, size, concurrency, NextNumber, duration, int.MaxValue, statuses, latencies);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var rss = watch?.Stop();
        var usage = cpu.Stop();

        var accepted = statuses.GetValueOrDefault(202);
        var result = new JsonObject
        {
            ["size_bytes"] = size,
            ["concurrency"] = concurrency,
            ["duration_s"] = Math.Round(elapsed, 2),
            ["uploads"] = latencies.Count,
            ["accepted_202"] = accepted,
            ["statuses"] = new JsonObject(statuses.OrderBy(p => p.Key).Select(p =>
                KeyValuePair.Create(p.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)p.Value))),
            ["uploads_per_s"] = Math.Round(accepted / elapsed, 2),
            ["mb_per_s"] = Math.Round(accepted * (double)size / (1024 * 1024) / elapsed, 1),
            ["latency"] = Latencies.Summary(latencies),
            ["cpu"] = usage,
        };
        if (rss is not null)
        {
            result["rss"] = rss;
        }
        return result;
    }

    private static async Task RunWorkersAsync(
        HttpClient client, Guid[] deposits, int size, int concurrency, Func<long> nextNumber, TimeSpan duration, int maxPerWorker,
        System.Collections.Concurrent.ConcurrentDictionary<int, int>? statuses, System.Collections.Concurrent.ConcurrentBag<long>? latencies)
    {
        var deadline = duration == TimeSpan.MaxValue ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var screenshot = new byte[size];
            Random.Shared.NextBytes(screenshot);
            PngMagic.CopyTo(screenshot, 0);
            for (var done = 0; done < maxPerWorker && Stopwatch.GetTimestamp() < deadline; done++)
            {
                var number = nextNumber();
                // A different screenshot each time (its hash is stored), cheaply.
                BitConverter.TryWriteBytes(screenshot.AsSpan(8), number);
                var deposit = deposits[number % deposits.Length];
                using var form = new MultipartFormDataContent();
                form.Add(new StringContent(number.ToString("D12", CultureInfo.InvariantCulture)), "transactionNumber");
                form.Add(new StringContent("300"), "amount");
                var file = new ByteArrayContent(screenshot);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                form.Add(file, "screenshot", "receipt.png");
                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    using var response = await client.PostAsync($"/api/deposits/{deposit}/proof", form);
                    await response.Content.LoadIntoBufferAsync();
                    status = (int)response.StatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                var elapsed = Stopwatch.GetElapsedTime(started);
                statuses?.AddOrUpdate(status, 1, (_, n) => n + 1);
                latencies?.Add((long)(elapsed.TotalMilliseconds * 1000));
            }
        });
        await Task.WhenAll(workers);
    }
}

/// <summary>
/// Peak resident memory of a process while a run lasts: VmHWM after resetting it (clear_refs 5)
/// at the start, and VmRSS sampled every 20 ms as a cross-check.
/// </summary>
internal sealed class RssWatch : IDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peakSampledKb;
    private long _samples;
    private long _sumKb;

    public RssWatch(int pid)
    {
        _pid = pid;
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not permitted: VmHWM is then the peak since the process started.
        }
        catch (UnauthorizedAccessException)
        {
        }
        _sampler = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var rss = ReadKb(_pid, "VmRSS:");
                _peakSampledKb = Math.Max(_peakSampledKb, rss);
                _sumKb += rss;
                _samples++;
                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public JsonObject Stop()
    {
        _stop.Cancel();
        _sampler.Wait();
        return new JsonObject
        {
            ["vmhwm_mb"] = Math.Round(ReadKb(_pid, "VmHWM:") / 1024.0, 1),
            ["peak_sampled_mb"] = Math.Round(_peakSampledKb / 1024.0, 1),
            ["mean_sampled_mb"] = _samples == 0 ? -1 : Math.Round(_sumKb / (double)_samples / 1024.0, 1),
            ["end_mb"] = Math.Round(ReadKb(_pid, "VmRSS:") / 1024.0, 1),
        };
    }

    public static long ReadKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Paykassma.Bench;

/// <summary>
/// What the service adds to a deposit creation: POST /api/deposits (JWT, gateway call, INSERT and
/// COMMIT) against the sandbox's create call made directly with the same body the service sends.
/// One request at a time, the two kinds alternating, so both see the same machine; the overhead is
/// the difference of the percentiles (and, as a cross-check, the median of the paired differences).
/// </summary>
internal static class DepositLatency
{
    public static async Task<JsonObject> RunAsync(Args args)
    {
        var api = args.Text("url");
        var sandbox = args.Text("sandbox");
        var secret = args.Text("secret");
        var token = args.Text("token");
        var count = args.Int("count", 500);
        var warmup = args.Int("warmup", 100);
        var label = args.Text("label");

        using var apiClient = Http.Client(api, 1, TimeSpan.FromSeconds(30));
        apiClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var sandboxClient = Http.Client(sandbox, 1, TimeSpan.FromSeconds(30));
        var createPath = $"/api/v1/transaction/create/bnb_ml?secret={Uri.EscapeDataString(secret)}";
        var sandboxBody = Encoding.UTF8.GetBytes($$"""{"currency":"BTN","label":"{{label}}"}""");
        var apiBody = """{"amount":300}"""u8.ToArray();
        var json = MediaTypeHeaderValue.Parse("application/json");

        var viaApi = new long[count];
        var direct = new long[count];
        var failures = 0;
        for (var i = -warmup; i < count; i++)
        {
            var (a, okA) = await TimeAsync(apiClient, "/api/deposits", apiBody, json, 201);
            var (d, okD) = await TimeAsync(sandboxClient, createPath, sandboxBody, json, 200);
            if (!okA || !okD)
            {
                failures++;
            }
            if (i >= 0)
            {
                viaApi[i] = a;
                direct[i] = d;
            }
        }

        var apiSummary = Latencies.Summary(viaApi);
        var directSummary = Latencies.Summary(direct);
        var paired = viaApi.Zip(direct, (x, y) => x - y).ToArray();
        Array.Sort(paired);
        return new JsonObject
        {
            ["count"] = count,
            ["failures"] = failures,
            ["api"] = apiSummary,
            ["sandbox_direct"] = directSummary,
            ["overhead_p50_ms"] = Math.Round(apiSummary["p50_ms"]!.GetValue<double>() - directSummary["p50_ms"]!.GetValue<double>(), 3),
            ["overhead_p99_ms"] = Math.Round(apiSummary["p99_ms"]!.GetValue<double>() - directSummary["p99_ms"]!.GetValue<double>(), 3),
            ["overhead_paired_median_ms"] = Latencies.Ms(Latencies.Percentile(paired, 50)),
        };
    }

    private static async Task<(long Microseconds, bool Ok)> TimeAsync(
        HttpClient client, string path, byte[] body, MediaTypeHeaderValue contentType, int expected)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType;
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started);
        var ok = (int)response.StatusCode == expected && !text.Contains("\"fail\"", StringComparison.Ordinal);
        return ((long)(elapsed.TotalMilliseconds * 1000), ok);
    }
}

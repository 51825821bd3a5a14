using System.Net;

namespace Paykassma.Bench;

internal static class Http
{
    /// <summary>HTTP/1.1 keep-alive connections, at most <paramref name="connections"/>, nothing clever.</summary>
    public static HttpClient Client(string baseUrl, int connections, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = timeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

    /// <summary>Opens <paramref name="connections"/> connections up front so the measured run does not pay for connecting.</summary>
    public static async Task WarmConnectionsAsync(HttpClient client, int connections, string path)
    {
        var tasks = Enumerable.Range(0, connections).Select(async _ =>
        {
            using var response = await client.GetAsync(path);
            await response.Content.LoadIntoBufferAsync();
        });
        await Task.WhenAll(tasks);
    }
}

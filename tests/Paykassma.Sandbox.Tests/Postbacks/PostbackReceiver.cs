using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Paykassma.Sandbox.Tests.Postbacks;

/// <summary>One answer the receiver gives, as a test scripts it.</summary>
internal sealed record ReceiverAnswer(int StatusCode, string Body, TimeSpan Delay = default)
{
    public static readonly ReceiverAnswer Ok = new(200, """{"status":"ok"}""");
    public static readonly ReceiverAnswer ServerError = new(500, "Internal Server Error");
    public static readonly ReceiverAnswer Fail = new(200, """{"status":"fail","message":"try later"}""");
    public static readonly ReceiverAnswer PlainTextOk = new(200, "OK");
    public static readonly ReceiverAnswer OkWithOtherStatus = new(200, """{"status":"OK"}""");
    public static readonly ReceiverAnswer OkButNotAnObject = new(200, """["ok"]""");

    public static ReceiverAnswer Slow(TimeSpan delay) => Ok with { Delay = delay };
}

/// <summary>What the receiver got: the exact bytes and the content type.</summary>
internal sealed record ReceivedPostback(byte[] Body, string? ContentType, DateTimeOffset ReceivedAt);

/// <summary>
/// A merchant's postback endpoint in miniature, on a real loopback port: it records every body and answers
/// as scripted, then ok once the script runs out.
/// </summary>
internal sealed class PostbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceiverAnswer> _script = new();
    private readonly List<ReceivedPostback> _received = [];
    private readonly SemaphoreSlim _arrivals = new(0);

    private PostbackReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<PostbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new PostbackReceiver(app);
        app.MapPost("/postbacks", receiver.HandleAsync);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri($"{address}/postbacks");
        return receiver;
    }

    /// <summary>The next answers, in order; after them the receiver answers ok.</summary>
    public void Script(params ReceiverAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    public ReceivedPostback[] Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> postbacks have arrived in all, and returns them.</summary>
    public async Task<ReceivedPostback[]> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Received.Length < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrivals.WaitAsync(left))
            {
                Assert.Fail($"Expected {count} postbacks, received {Received.Length}.");
            }
        }

        return Received;
    }

    /// <summary>Makes sure nothing more arrives for a while (a retry that should not happen).</summary>
    public async Task AssertNoMoreThanAsync(int count, TimeSpan quietFor)
    {
        await Task.Delay(quietFor);
        Assert.Equal(count, Received.Length);
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        lock (_received)
        {
            _received.Add(new ReceivedPostback(body.ToArray(), request.ContentType, DateTimeOffset.UtcNow));
        }

        _arrivals.Release();
        var answer = _script.TryDequeue(out var scripted) ? scripted : ReceiverAnswer.Ok;
        if (answer.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(answer.Delay, request.HttpContext.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }

        return Results.Text(answer.Body, "application/json", statusCode: answer.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _arrivals.Dispose();
    }
}

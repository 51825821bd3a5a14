using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// A database the service cannot use, for the answers an outage gets: a port where nothing listens
/// (every connection refused at once: 503 database-unavailable), or a listener that accepts and never
/// says a word (every statement waits: the request runs out of time, 504 request-timeout).
/// </summary>
public sealed class BrokenDatabase : IDisposable
{
    private readonly TcpListener? _silent;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];

    private BrokenDatabase(int port, TcpListener? silent)
    {
        Port = port;
        _silent = silent;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=nowhere;Timeout=5;Pooling=false";

    /// <summary>A port that was free a moment ago, with nothing listening on it.</summary>
    public static BrokenDatabase Refusing()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new BrokenDatabase(port, null);
    }

    /// <summary>A listener that accepts every connection and then says nothing.</summary>
    public static BrokenDatabase Silent()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var database = new BrokenDatabase(((IPEndPoint)listener.LocalEndpoint).Port, listener);
        _ = database.AcceptForeverAsync();
        return database;
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _silent!.AcceptSocketAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(socket);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    /// <summary>The service on this database: no migration at start-up (there is nothing to migrate).</summary>
    public MerchantApiFactory Service(TimeSpan? requestTimeLimit = null) =>
        new ShortTimeLimitFactory(requestTimeLimit)
            .With("ConnectionStrings:Merchant", ConnectionString)
            .With("Database:MigrateOnStartup", "false");

    public void Dispose()
    {
        _stop.Cancel();
        _silent?.Stop();
        lock (_held)
        {
            _held.ForEach(socket => socket.Dispose());
        }
        _stop.Dispose();
    }

    /// <summary>Every request time limit (the default, gateway calls, uploads) shortened, so a stuck request ends in a test's time.</summary>
    private sealed class ShortTimeLimitFactory(TimeSpan? limit) : MerchantApiFactory
    {
        public override Task InitializeAsync() => Task.CompletedTask;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (limit is not { } timeout)
            {
                return;
            }
            builder.ConfigureServices(services => services.PostConfigure<RequestTimeoutOptions>(options =>
            {
                options.DefaultPolicy = new RequestTimeoutPolicy { Timeout = timeout };
                foreach (var name in options.Policies.Keys.ToList())
                {
                    options.Policies[name] = new RequestTimeoutPolicy { Timeout = timeout };
                }
            }));
        }
    }
}

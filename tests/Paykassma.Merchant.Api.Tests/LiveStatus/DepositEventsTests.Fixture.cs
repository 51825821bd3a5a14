using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Paykassma.Merchant.Api.LiveStatus;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.LiveStatus;

/// <summary>DepositEventsTests' service and its probes of the listener and the recorded changes.</summary>
public sealed partial class DepositEventsTests
{
    /// <summary>Short heartbeats, two streams per user, and a reconnect slow enough that a change can land in the gap.</summary>
    public sealed class EventsFactory : MerchantApiFactory
    {
        public EventsFactory()
        {
            With("Deposits:LiveStatus:HeartbeatInterval", "00:00:01");
            With("Deposits:LiveStatus:MaxStreamsPerUser", "2");
            With("Deposits:LiveStatus:ReconnectDelay", "00:00:05");
        }

        /// <summary>The listener's clock: a test holds its reconnect while it makes a change in the gap.</summary>
        internal HeldReconnects ListenerClock { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                // The same listener, on a clock whose reconnect delay the test can hold.
                foreach (var registered in services.Where(descriptor => descriptor.ServiceType == typeof(IHostedService)
                             && descriptor.ImplementationType == typeof(LiveStatusListener)).ToList())
                {
                    services.Remove(registered);
                }
                services.AddSingleton<IHostedService>(provider =>
                    ActivatorUtilities.CreateInstance<LiveStatusListener>(provider, (TimeProvider)ListenerClock));
            });
        }
    }

    private async Task<List<long>> ChangeIdsAsync(Guid depositId)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM deposit_changes WHERE deposit_id = @d ORDER BY id", connection);
        command.Parameters.AddWithValue("d", depositId);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    private Task<long> ListenersAsync() => api.ScalarAsync<long>(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name",
        ("name", LiveStatusListener.ApplicationName));

    private Task<bool> KillListenerAsync() => api.ScalarAsync<bool>(
        "SELECT coalesce(bool_and(pg_terminate_backend(pid)), false) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name",
        ("name", LiveStatusListener.ApplicationName));

    private bool LoggedAgain() => Logged(3202);

    private bool Logged(int eventId) => api.Logs.GetSnapshot().Any(r => r.Id.Id == eventId);

    internal static string? StatusOf(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement.GetProperty("status").GetString();
}

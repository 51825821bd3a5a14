using System.Collections.Concurrent;
using Npgsql;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.LiveStatus;

/// <summary>
/// NOTIFY serialises the commits of every transaction that sends one (ADR 0013), so a change is
/// announced only while some stream watches its deposit; it is recorded either way.
/// </summary>
public sealed class DepositWatchTests(MerchantApiFactory api) : IClassFixture<MerchantApiFactory>
{
    [Fact]
    public async Task A_change_nobody_watches_is_recorded_but_not_announced_and_a_watched_one_is_announced()
    {
        await using var listener = new NpgsqlConnection(api.ConnectionString);
        await listener.OpenAsync();
        var heard = new ConcurrentBag<string>();
        listener.Notification += (_, e) => heard.Add(e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN deposit_changes", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }
        var depositId = await api.CreateDepositAsync(GatewayScript.NewLabel("watch"));
        var key = depositId + ":";

        await api.ScalarAsync<int>("UPDATE deposits SET status = 'proof_submitted' WHERE id = @d", ("d", depositId));
        await listener.WaitAsync(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(heard, payload => payload.StartsWith(key, StringComparison.Ordinal));
        Assert.Equal(2, await api.ScalarAsync<int>("SELECT count(*) FROM deposit_changes WHERE deposit_id = @d", ("d", depositId)));

        // What an open stream writes; a lapsed watch announces nothing either.
        await api.ScalarAsync<int>("INSERT INTO deposit_watches VALUES (@d, gen_random_uuid(), now() - interval '1 second')", ("d", depositId));
        await api.ScalarAsync<int>("UPDATE deposits SET status = 'pending_confirmation' WHERE id = @d", ("d", depositId));
        await listener.WaitAsync(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(heard, payload => payload.StartsWith(key, StringComparison.Ordinal));

        await api.ScalarAsync<int>("INSERT INTO deposit_watches VALUES (@d, gen_random_uuid(), now() + interval '1 minute')", ("d", depositId));
        await api.ScalarAsync<int>("UPDATE deposits SET status = 'confirmed' WHERE id = @d", ("d", depositId));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!heard.Any(payload => payload.StartsWith(key, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
        }
        Assert.Single(heard, payload => payload.StartsWith(key, StringComparison.Ordinal));
    }
}

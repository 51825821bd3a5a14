using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Drills.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests;

/// <summary>
/// Drill (f): postbacks confirm deposits while the service is SIGKILLed again and again and the
/// ledger (the sandbox's receiver, its own process, verifying signatures with the StandardWebhooks
/// package) flaps between up, 503 and redirects. Every confirmed deposit's deposit.confirmed event must
/// reach the ledger at least once, with a verified signature: none lost, none emitted twice.
/// </summary>
public sealed class EventsSigkillDrill(ITestOutputHelper output)
{
    private const int Senders = 6;
    private const int Kills = 3;
    private const int PreparedDeposits = 20_000;
    private const string LedgerSecret = "whsec_ZHJpbGwtbGVkZ2VyLXNlY3JldC0wMTIzNDU2Nzg5YWJj";
    private static readonly string[] LedgerModes = ["none", "down", "none", "redirect"];

    [Fact]
    public async Task Every_confirmed_deposits_event_reaches_the_ledger_through_SIGKILLs_and_a_flapping_receiver()
    {
        await using var rig = await DrillRig.CreateAsync("events", output);
        var ledger = rig.Sandbox(null, new Dictionary<string, string> { ["Sandbox__LedgerWebhookSecret"] = LedgerSecret });
        var api = rig.MerchantApi($"http://127.0.0.1:{OsProcesses.FreePort()}", new Dictionary<string, string>
        {
            ["Events__WebhookUrl"] = $"{ledger.BaseUrl}/ledger/webhooks",
            ["Events__WebhookSecret"] = LedgerSecret,
            ["Events__Timeout"] = "00:00:02",
            ["Events__Dispatcher__PollInterval"] = "00:00:00.200",
            ["Events__Dispatcher__BaseDelay"] = "00:00:00.200",
            ["Events__Dispatcher__MaxDelay"] = "00:00:01",
            ["Events__Dispatcher__Lease"] = "00:00:10",
        });
        await ledger.StartAsync();
        rig.Log($"api ready in {await api.StartAsync():s\\.f} s; ledger {ledger.BaseUrl}");

        // Deposits with forwarded proofs whose custom ids the stream's postbacks will name.
        var first = DrillPostbacks.NextTransactionId;
        var prepared = await rig.CountAsync($$"""
            WITH ids AS (SELECT i, gen_random_uuid() AS d, gen_random_uuid() AS p FROM generate_series(0, {{PreparedDeposits - 1}}) AS i),
            deposits_made AS (
                INSERT INTO deposits (id, label, status, currency, wallet_type, amount, gateway_params, amount_mismatch,
                    confirmed_after_expiry, created_at, updated_at)
                SELECT d, 'drill-user', 'pending_confirmation', 'BTN', 'bnb_ml', 300, '{}', false, false, now(), now() FROM ids
            ),
            proofs_made AS (
                INSERT INTO proofs (id, deposit_id, label, custom_transaction_id, transaction_number, amount, status, attempts,
                    attempt_limit, outcome_uncertain, request_hash, screenshot_file_name, screenshot_content_type, screenshot_size,
                    screenshot_sha256, created_at, updated_at, forwarded_at)
                SELECT p, d, 'drill-user', 'drill-' || ({{first}} + i), lpad(i::text, 12, '0'), 300, 'forwarded', 1, 300, false, 'x',
                    's.png', 'image/png', 1, 'x', now(), now(), now()
                FROM ids
                RETURNING 1
            )
            SELECT count(*) FROM proofs_made
            """);
        rig.Log($"{prepared} deposits prepared, each with a forwarded proof");

        using var control = DrillRig.Client(ledger);
        using var stop = new CancellationTokenSource();
        var flapping = FlapAsync(control, rig, stop.Token);
        await using var stream = new PostbackStream(api.BaseUrl, () => rig.Elapsed, Senders);
        stream.Start();
        for (var kill = 1; kill <= Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2_000, 3_500)));
            var pid = api.Current!.Id;
            await api.KillAsync();
            rig.Log($"kill {kill}: SIGKILL pid {pid}; {stream.Acked.Count} postbacks acked so far");
            rig.Log($"kill {kill}: restarted in {await api.StartAsync():s\\.f} s");
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stream.StopAsync(grace: TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await flapping;
        (await control.PostAsJsonAsync("/sandbox/ledger/faults", new { mode = "none" })).EnsureSuccessStatusCode();

        var confirmed = await rig.CountAsync("SELECT count(*) FROM deposits WHERE status = 'confirmed'");
        var delivered = await MerchantCalls.EventuallyAsync(
            () => rig.CountAsync("SELECT count(*) FROM outbox_events WHERE status = 'delivered'"),
            n => n >= confirmed, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));
        var events = await rig.CountAsync("SELECT count(*) FROM outbox_events WHERE type = 'deposit.confirmed'");
        var confirmedWithoutEvent = await rig.CountAsync("""
            SELECT count(*) FROM deposits d WHERE d.status = 'confirmed'
              AND NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.subject_id = d.id AND e.type = 'deposit.confirmed')
            """);
        var eventIds = await rig.Postgres.QueryAsync(DrillRig.DatabaseName, "SELECT id::text FROM outbox_events WHERE type = 'deposit.confirmed'",
            async reader =>
            {
                var ids = new HashSet<string>();
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetString(0));
                }
                return ids;
            });
        var received = await control.GetFromJsonAsync<JsonElement>("/sandbox/ledger/events");
        var receivedIds = received.EnumerateArray().Select(e => e.GetProperty("webhookId").GetString()!).ToHashSet();
        var redelivered = received.EnumerateArray().Count(e => e.GetProperty("deliveries").GetInt32() > 1);
        var refused = await rig.CountAsync("SELECT count(*) FROM outbox_events WHERE attempts > 1");
        var acked = stream.Acked.Count;
        var missing = eventIds.Where(id => !receivedIds.Contains(id)).ToList();
        rig.Log($"postbacks acked {acked}; deposits confirmed {confirmed}; deposit.confirmed events {events}, delivered {delivered}; "
                + $"confirmed without an event {confirmedWithoutEvent}; events the ledger never got {missing.Count}");
        rig.Log($"ledger: {receivedIds.Count} distinct webhook-ids verified, {redelivered} of them received more than once; "
                + $"{refused} events needed more than one attempt");

        Assert.Equal(acked, confirmed);
        Assert.Equal(confirmed, events);
        Assert.Equal(0, confirmedWithoutEvent);
        Assert.Empty(missing);
        Assert.True(refused > 0, "no delivery failed: the flapping ledger tested nothing");
        Assert.True(acked > 300, $"only {acked} postbacks acked: the stream was too thin to mean much");
        Assert.True(acked < PreparedDeposits, "the stream outran the prepared deposits");
        Assert.Equal(Kills + 1, api.Runs.Count);
        rig.AssertNoSecretsInOutput();
        Assert.DoesNotContain("ZHJpbGwtbGVkZ2VyLXNlY3JldC0wMTIzNDU2Nzg5YWJj", api.AllOutput, StringComparison.Ordinal);
    }

    private static async Task FlapAsync(HttpClient control, DrillRig rig, CancellationToken stop)
    {
        var switches = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var mode = LedgerModes[switches++ % LedgerModes.Length];
                (await control.PostAsJsonAsync("/sandbox/ledger/faults", new { mode }, CancellationToken.None)).EnsureSuccessStatusCode();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(500, 1_200)), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
        rig.Log($"the ledger switched {switches} times between {string.Join(", ", LedgerModes.Distinct())}");
    }
}

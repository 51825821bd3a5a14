using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Drills.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests;

/// <summary>
/// Drill (e): the back office streams payouts while the gateway (the sandbox, its own process) flaps
/// between up, down (503), accept-then-500 and stalls longer than our time limit, reports each
/// withdrawal in every status it reaches (0, 3, 4, then the outcome; with the same transaction id, a
/// new one per status, or none), redelivers reported statuses at random, and the service is SIGKILLed
/// again and again. Every payout answered 202 must be stored once, reach the gateway under its one
/// withdrawal_id, be accepted there exactly once, never be sent again after a definite answer, and end
/// in exactly one final status (paid, or cancelled for the cancelling account) whose event reaches the
/// ledger (the same sandbox) at least once: none lost, none settled twice, none contradicted.
/// </summary>
public sealed class PayoutSigkillDrill(ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int Kills = 3;
    private static readonly string[] GatewayModes = ["none", "down", "crash", "stall", "none", "crash"];
    private const string LedgerSecret = "whsec_cGF5b3V0LWRyaWxsLWxlZGdlci1zZWNyZXQtMDEyMzQ1";

    // The sandbox's magic accounts: interim statuses then paid with the same transaction id, with none,
    // with a new one per status; and interim statuses then cancelled.
    private static readonly string[] Accounts = ["9440377924", "1111111111", "2222222222", "6666666666"];
    private const string CancellingAccount = "6666666666";

    private static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Payouts__Enabled"] = "true",
        ["Payouts__Dispatcher__PollInterval"] = "00:00:00.200",
        ["Payouts__Dispatcher__BaseDelay"] = "00:00:00.300",
        ["Payouts__Dispatcher__MaxDelay"] = "00:00:01",
        ["Payouts__Dispatcher__Lease"] = "00:00:08",
        ["Paykassma__Resilience__AttemptTimeout"] = "00:00:01.500",
        ["Paykassma__Resilience__TotalTimeout"] = "00:00:04",
        ["Paykassma__Resilience__RetryBaseDelay"] = "00:00:00.100",
    };

    [Fact]
    public async Task Payouts_survive_SIGKILLs_and_a_flapping_gateway_each_sent_under_one_id_and_paid_once()
    {
        await using var rig = await DrillRig.CreateAsync("payouts", output);
        var apiPort = OsProcesses.FreePort();
        var sandbox = rig.Sandbox($"http://127.0.0.1:{apiPort}{DrillPostbacks.Path}", new Dictionary<string, string>
        {
            ["Sandbox__StallSeconds"] = "3",
            ["Sandbox__LedgerWebhookSecret"] = LedgerSecret,
            ["Sandbox__WithdrawalInterimStatusesOn"] = "true",
        });
        var api = rig.MerchantApi(sandbox.BaseUrl, new Dictionary<string, string>(Settings)
        {
            ["Events__WebhookUrl"] = $"{sandbox.BaseUrl}/ledger/webhooks",
            ["Events__WebhookSecret"] = LedgerSecret,
            ["Events__Dispatcher__PollInterval"] = "00:00:00.200",
            ["Events__Dispatcher__BaseDelay"] = "00:00:00.200",
            ["Events__Dispatcher__MaxDelay"] = "00:00:01",
            // A killed process's leased events are resent once the lease lapses: the default two minutes
            // would outlast the wait for the ledger below.
            ["Events__Timeout"] = "00:00:02",
            ["Events__Dispatcher__Lease"] = "00:00:10",
        }, apiPort);
        await sandbox.StartAsync();
        rig.Log($"api ready in {await api.StartAsync():s\\.f} s");

        using var control = DrillRig.Client(sandbox);
        var acked = new ConcurrentDictionary<string, string>();   // Idempotency-Key → the payout id answered
        var attempts = new ConcurrentBag<int>();                  // HTTP status per create attempt (0: no answer)
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, Senders).Select(s => SendPayoutsAsync(api, s, acked, attempts, stop.Token)).ToList();
        var flapping = FlapAsync(control, rig, stop.Token);
        var redelivering = RedeliverAsync(control, rig, stop.Token);

        for (var kill = 1; kill <= Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2_500, 4_000)));
            var pid = api.Current!.Id;
            await api.KillAsync();
            rig.Log($"kill {kill}: SIGKILL pid {pid}; {acked.Count} payouts acked so far");
            rig.Log($"kill {kill}: restarted in {await api.StartAsync():s\\.f} s");
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        await flapping;
        await redelivering;
        (await control.PostAsJsonAsync("/sandbox/faults", new { mode = "none" })).EnsureSuccessStatusCode();
        rig.Log($"stream over: {acked.Count} payouts acked; create attempts {attempts.Count} ({string.Join(", ", attempts.GroupBy(a => a).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))})");

        // Every acked payout ends in its final status: the dispatcher resends what is queued or whose lease
        // lapsed, and the sandbox's status postbacks (each resent until answered ok) settle them.
        var settled = await MerchantCalls.EventuallyAsync(
            () => rig.CountAsync("SELECT count(*) FROM payouts WHERE status IN ('paid', 'cancelled')"),
            done => done >= acked.Count, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(500));
        // And every settlement's event reaches the ledger.
        await MerchantCalls.EventuallyAsync(
            () => rig.CountAsync("SELECT count(*) FROM outbox_events WHERE type IN ('payout.paid', 'payout.cancelled') AND status <> 'delivered'"),
            pending => pending == 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        var payouts = await rig.Postgres.QueryAsync(DrillRig.DatabaseName,
            "SELECT idempotency_key, id::text, withdrawal_id, label, status, attempts, outcome_uncertain, account_number, status_conflict FROM payouts",
            async reader =>
            {
                var rows = new List<(string Key, string Id, string WithdrawalId, string Label, string Status, int Attempts, bool Uncertain,
                    string Account, bool Conflict)>();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                        reader.GetInt32(5), reader.GetBoolean(6), reader.GetString(7), reader.GetBoolean(8)));
                }
                return rows;
            });
        // Per payout: the signed statuses stored, and how many of them settled it (exactly one may).
        var facts = await rig.Postgres.QueryAsync(DrillRig.DatabaseName, """
            SELECT p.id::text, count(g.id), count(g.id) FILTER (WHERE g.applied AND g.withdrawal_status IN (1, 5, 6, 7)),
                count(DISTINCT g.withdrawal_status), count(g.id) FILTER (WHERE g.transaction_id IS NULL)
            FROM payouts p LEFT JOIN gateway_transactions g ON g.payout_id = p.id GROUP BY p.id
            """, async reader =>
            {
                var rows = new Dictionary<string, (long Facts, long Finals, long Statuses, long WithoutId)>();
                while (await reader.ReadAsync())
                {
                    rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
                }
                return rows;
            });
        var eventIds = await rig.Postgres.QueryAsync(DrillRig.DatabaseName,
            "SELECT id::text, subject_id::text, type FROM outbox_events WHERE type IN ('payout.paid', 'payout.cancelled')", async reader =>
            {
                var rows = new List<(string Id, string Payout, string Type)>();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
                return rows;
            });
        var ledger = await control.GetFromJsonAsync<JsonElement>("/sandbox/ledger/events");
        var atLedger = ledger.EnumerateArray().Select(e => e.GetProperty("webhookId").GetString()!).ToHashSet();
        var definiteAt = await rig.Postgres.QueryAsync(DrillRig.DatabaseName,
            "SELECT p.withdrawal_id, min(a.at) FROM payout_attempts a JOIN payouts p ON p.id = a.payout_id WHERE a.outcome IN ('sent', 'refused') GROUP BY p.withdrawal_id",
            async reader =>
            {
                var rows = new Dictionary<string, DateTimeOffset>();
                while (await reader.ReadAsync())
                {
                    rows[reader.GetString(0)] = await reader.GetFieldValueAsync<DateTimeOffset>(1);
                }
                return rows;
            });
        var requests = await control.GetFromJsonAsync<JsonElement>("/sandbox/withdrawal-requests");
        var accepted = await control.GetFromJsonAsync<JsonElement>("/sandbox/withdrawals");

        var byKey = payouts.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.ToList());
        var lost = acked.Keys.Where(key => !byKey.ContainsKey(key)).ToList();
        var storedTwice = byKey.Where(g => g.Value.Count > 1).Select(g => g.Key).ToList();
        var answeredOther = acked.Where(a => byKey.TryGetValue(a.Key, out var rows) && rows[0].Id != a.Value).ToList();
        var wrongOutcome = payouts.Where(p => p.Status != (p.Account == CancellingAccount ? "cancelled" : "paid")).ToList();
        var notOneFinal = payouts.Where(p => !facts.TryGetValue(p.Id, out var f) || f.Finals != 1).ToList();
        var conflicted = payouts.Count(p => p.Conflict);
        var eventsPerPayout = eventIds.GroupBy(e => e.Payout).ToDictionary(g => g.Key, g => g.Count());
        var withoutOneEvent = payouts.Where(p => eventsPerPayout.GetValueOrDefault(p.Id) != 1).ToList();
        var neverAtLedger = eventIds.Where(e => !atLedger.Contains(e.Id)).ToList();
        var interimSeen = facts.Values.Count(f => f.Statuses > 1);
        var withoutTransactionId = facts.Values.Sum(f => f.WithoutId);
        var requestList = Items(requests).ToList();
        var idsPerLabel = requestList.Where(r => r.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.Object)
            .GroupBy(r => r.GetProperty("body").GetProperty("label").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(r => r.GetProperty("withdrawalId").GetString()).Distinct().ToList());
        var underTwoIds = idsPerLabel.Where(l => l.Value.Count != 1).ToList();
        var acceptedIds = Items(accepted).Select(w => w.GetProperty("withdrawalId").GetString()!).ToList();
        var sentTwice = acceptedIds.GroupBy(id => id).Where(g => g.Count() > 1).ToList();
        var resentAfterDefinite = requestList
            .Where(r => r.GetProperty("withdrawalId").GetString() is { } id && definiteAt.TryGetValue(id, out var at)
                        && r.GetProperty("receivedAt").GetDateTimeOffset() > at + TimeSpan.FromMilliseconds(200))
            .ToList();
        var uncertain = payouts.Count(p => p.Uncertain);
        rig.Log($"payouts stored {payouts.Count}, acked {acked.Count}, settled {settled} (paid {payouts.Count(p => p.Status == "paid")}, "
                + $"cancelled {payouts.Count(p => p.Status == "cancelled")}), lost {lost.Count}, stored twice {storedTwice.Count}, "
                + $"wrong outcome {wrongOutcome.Count}; attempts per payout max {payouts.Max(p => p.Attempts)}, with an uncertain outcome {uncertain}");
        rig.Log($"signed statuses stored {facts.Values.Sum(f => f.Facts)} ({withoutTransactionId} without a transaction id); payouts with "
                + $"interim statuses {interimSeen}; not settled by exactly one final status {notOneFinal.Count}; conflicts {conflicted}; "
                + $"settlement events {eventIds.Count} (payouts without exactly one {withoutOneEvent.Count}), never at the ledger {neverAtLedger.Count}");
        rig.Log($"gateway: {requestList.Count} withdrawal requests, {acceptedIds.Count} accepted ({acceptedIds.Distinct().Count()} ids); "
                + $"labels under more than one id {underTwoIds.Count}; accepted twice {sentTwice.Count}; resent after a definite answer {resentAfterDefinite.Count}");

        Assert.Empty(lost);
        Assert.Empty(storedTwice);
        Assert.Empty(answeredOther);
        Assert.Empty(wrongOutcome);
        Assert.Empty(notOneFinal);
        Assert.Equal(0, conflicted);
        Assert.Empty(withoutOneEvent);
        Assert.Empty(neverAtLedger);
        Assert.True(interimSeen > payouts.Count / 2, $"only {interimSeen} payouts saw interim statuses: the sequence tested nothing");
        Assert.True(withoutTransactionId > 0, "no status came without a transaction id");
        Assert.Empty(underTwoIds);
        Assert.Empty(sentTwice);
        Assert.Empty(resentAfterDefinite);
        Assert.Equal(payouts.Count, acceptedIds.Distinct().Count());
        Assert.True(acked.Count >= 40, $"only {acked.Count} payouts acked: the stream was too thin to mean much");
        Assert.True(uncertain > 0, "no attempt had an unknown outcome: the flapping did not test what it should");
        Assert.Equal(Kills + 1, api.Runs.Count);
        rig.AssertNoSecretsInOutput();
        Assert.DoesNotContain("cGF5b3V0LWRyaWxsLWxlZGdlci1zZWNyZXQtMDEyMzQ1", api.AllOutput, StringComparison.Ordinal);
    }

    /// <summary>One back office: payouts one after another, each retried with its key until it is answered 202.</summary>
    private static async Task SendPayoutsAsync(AppHost api, int sender, ConcurrentDictionary<string, string> acked, ConcurrentBag<int> attempts,
        CancellationToken stop)
    {
        using var client = DrillRig.Client(api, timeout: TimeSpan.FromSeconds(8));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DrillTokens.For($"ledger-{sender}", role: "payouts"));
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = $"drill-{sender}-{n}";
            var body = new { label = $"payee-{sender}-{n}", amount = 100 + n, accountNumber = Accounts[n % Accounts.Length], accountName = "Dorji Wangmo" };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts") { Content = JsonContent.Create(body) };
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await client.SendAsync(request, CancellationToken.None);
                    attempts.Add((int)response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var payout = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                        acked[key] = payout.GetProperty("id").GetString()!;
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    attempts.Add(0);
                }
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    /// <summary>Switches the sandbox's fault every 0.7–1.5 s through the modes, until stopped.</summary>
    private static async Task FlapAsync(HttpClient control, DrillRig rig, CancellationToken stop)
    {
        var switches = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var mode = GatewayModes[switches++ % GatewayModes.Length];
                (await control.PostAsJsonAsync("/sandbox/faults", new { mode }, CancellationToken.None)).EnsureSuccessStatusCode();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(700, 1_500)), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
        rig.Log($"the gateway switched {switches} times between {string.Join(", ", GatewayModes.Distinct())}");
    }

    /// <summary>As the gateway resends what it thinks was lost: every status of a random withdrawal again, every 0.3–0.8 s.</summary>
    private static async Task RedeliverAsync(HttpClient control, DrillRig rig, CancellationToken stop)
    {
        var sent = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(300, 800)), stop);
                var withdrawals = Items(await control.GetFromJsonAsync<JsonElement>("/sandbox/withdrawals", CancellationToken.None)).ToList();
                if (withdrawals.Count == 0)
                {
                    continue;
                }
                var id = withdrawals[Random.Shared.Next(withdrawals.Count)].GetProperty("withdrawalId").GetString();
                // 409 (nothing reported yet) and the merchant's 503 while it is down are part of the drill.
                using var response = await control.PostAsJsonAsync($"/sandbox/withdrawals/{id}/redeliver", new { which = "all" }, CancellationToken.None);
                sent += response.IsSuccessStatusCode ? 1 : 0;
            }
        }
        catch (OperationCanceledException)
        {
        }
        rig.Log($"the gateway redelivered every status of a withdrawal {sent} times");
    }

    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray()
        : list.TryGetProperty("items", out var items) ? items.EnumerateArray() : [];
}

using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text;
using Paykassma.Drills.Tests.Infrastructure;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests;

/// <summary>
/// Drill (d): a whole bad day end to end (every deposit, proof and postback outcome, ops calls,
/// gateway refusals, outages and stalls, PostgreSQL gone, a start-up that fails), with distinctive
/// secrets configured: the plugin secret, the postback private key, the JWT signing key and the
/// database password. None of them, in any encoding, may appear in anything the service or the
/// sandbox printed, nor in any answer the service gave. (The sandbox receives the plugin secret as
/// ?secret= by design; its logs must not print it either.)
/// </summary>
public sealed class SecretsInLogsDrill(ITestOutputHelper output)
{
    private readonly List<string> _failures = [];
    private readonly Dictionary<int, int> _statuses = new();
    private DrillRig _rig = null!;

    [Fact]
    public async Task No_secret_reaches_any_log_line_or_answer_through_a_bad_day()
    {
        await using var rig = _rig = await DrillRig.CreateAsync("secrets", output);
        var apiPort = OsProcesses.FreePort();
        var sandbox = rig.Sandbox($"http://127.0.0.1:{apiPort}{DrillPostbacks.Path}", new Dictionary<string, string>
        {
            ["Sandbox__StallSeconds"] = "3",
        });
        var settings = new Dictionary<string, string>(GatewayOutageDrill.FastDispatcher)
        {
            ["Paykassma__Resilience__AttemptTimeout"] = "00:00:01",
            ["Paykassma__Resilience__TotalTimeout"] = "00:00:02.500",
            // As chatty as it gets: if a secret is anywhere near a log call, this level prints it.
            ["Serilog__MinimumLevel__Default"] = "Verbose",
            ["Serilog__MinimumLevel__Override__Microsoft.AspNetCore"] = "Verbose",
            ["Serilog__MinimumLevel__Override__Microsoft.EntityFrameworkCore"] = "Verbose",
            ["Serilog__MinimumLevel__Override__System.Net.Http.HttpClient"] = "Verbose",
            ["Serilog__MinimumLevel__Override__Polly"] = "Verbose",
        };
        var api = rig.MerchantApi(sandbox.BaseUrl, settings, apiPort);
        await sandbox.StartAsync();
        await api.StartAsync();
        using var recorder = new RecordingHandler();
        HttpClient As(string? label, bool ops = false, string? key = null)
        {
            var client = DrillRig.Client(api, null, timeout: TimeSpan.FromSeconds(30), recorder: recorder);
            if (label is not null)
            {
                client.DefaultRequestHeaders.Authorization = new("Bearer", DrillTokens.For(label, ops, key ?? DrillSecrets.JwtSigningKey));
            }
            return client;
        }
        using var control = DrillRig.Client(sandbox);
        using var gateway = As(null);
        using var ops = As("drill-ops", ops: true);

        // Deposits: requisites, and each way the gateway can fail a create call.
        using var alice = As("alice");
        var depositA = await CreateDepositAsync("deposit", alice, HttpStatusCode.Created);
        await CreateDepositAsync("deposit, gateway refuses (label fail…)", As("fail-bob"), HttpStatusCode.BadGateway);
        await CreateDepositAsync("deposit, gateway 503 (label down…)", As("down-carol"), HttpStatusCode.ServiceUnavailable);
        await CreateDepositAsync("deposit, gateway stalls (label stall…)", As("stall-dave"), HttpStatusCode.GatewayTimeout);

        // Proofs: forwarded (and confirmed by the sandbox's postback), refused, queued, stalled, replayed.
        var forwarded = await UploadAsync("proof forwarded", alice, depositA, "123456789012", HttpStatusCode.Accepted, idempotencyKey: "drill-key-1");
        await UploadAsync("proof replayed (same Idempotency-Key)", alice, depositA, "123456789012", HttpStatusCode.Accepted, idempotencyKey: "drill-key-1");
        using var erin = As("erin");
        await UploadAsync("proof refused by the gateway", erin, await CreateDepositAsync("deposit", erin, HttpStatusCode.Created), "000000000000", HttpStatusCode.UnprocessableEntity);
        using var frank = As("frank");
        await UploadAsync("proof queued (gateway 503)", frank, await CreateDepositAsync("deposit", frank, HttpStatusCode.Created), "999999999999", HttpStatusCode.Accepted);
        using var gina = As("gina");
        await UploadAsync("proof whose answer stalls past the timeout", gina, await CreateDepositAsync("deposit", gina, HttpStatusCode.Created), "888888888888", HttpStatusCode.Accepted);
        var confirmed = await MerchantCalls.EventuallyAsync(
            () => alice.GetFromJsonAsync<JsonElement>($"/api/deposits/{depositA}"),
            d => d.GetProperty("status").GetString() == "confirmed", TimeSpan.FromSeconds(20));
        Check("deposit confirmed by the sandbox's signed postback", confirmed.GetProperty("status").GetString() == "confirmed");

        // Postbacks from the sandbox: forged, tampered, tampered after signing, duplicates, a withdrawal.
        var customId = forwarded.GetProperty("customTransactionId").GetString()!;
        await TriggerAsync(control, "forged", new { kind = "forged", customTransactionId = customId, amount = 999 }, 401);
        await TriggerAsync(control, "tampered (unsigned fields)", new { kind = "tampered", proof = customId, topLevelAmount = 99999 }, 200);
        await TriggerAsync(control, "tampered_signed", new { kind = "tampered_signed", proof = customId }, 401);
        var original = (await control.GetFromJsonAsync<JsonElement>($"/sandbox/postbacks?customTransactionId={customId}"))
            .EnumerateArray().First(p => p.GetProperty("kind").GetString() == "transaction").GetProperty("id").GetInt64();
        await TriggerAsync(control, "duplicate x3 of the genuine one", new { kind = "duplicate", of = original, count = 3 }, 200);
        await TriggerAsync(control, "withdrawal", new { kind = "withdrawal", amount = 150 }, 200);
        // Postbacks of our own: new, repeated, foreign key, wrong key, not a postback.
        var transactionId = DrillPostbacks.NewTransactionId();
        var genuine = DrillPostbacks.For(transactionId, "unmatched-" + transactionId);
        await PostbackAsync("postback, valid", gateway, genuine, HttpStatusCode.OK);
        await PostbackAsync("postback, redelivered", gateway, genuine, HttpStatusCode.OK);
        await PostbackAsync("postback, foreign access key", gateway,
            DrillPostbacks.For(DrillPostbacks.NewTransactionId(), null, accessKey: "someone-else", privateKey: "their-key"), HttpStatusCode.Unauthorized);
        await PostbackAsync("postback, wrong private key", gateway,
            DrillPostbacks.For(DrillPostbacks.NewTransactionId(), null, privateKey: "not-" + DrillSecrets.PostbackPrivateKey), HttpStatusCode.Unauthorized);
        await PostbackAsync("postback, not JSON", gateway, "{\"signature\":"u8.ToArray(), HttpStatusCode.BadRequest);
        await PostbackAsync("postback, not a postback", gateway, "[1,2,3]"u8.ToArray(), HttpStatusCode.BadRequest);

        // Ops, and callers who are not ops.
        await GetAsync("ops: deposits", ops, "/api/ops/deposits", HttpStatusCode.OK);
        await GetAsync("ops: one deposit", ops, $"/api/ops/deposits/{depositA}", HttpStatusCode.OK);
        await GetAsync("ops: transactions", ops, "/api/ops/transactions", HttpStatusCode.OK);
        await GetAsync("ops: queued proofs", ops, "/api/ops/proofs?status=queued", HttpStatusCode.OK);
        var rejected = await GetAsync("ops: postbacks rejected for their signature", ops, "/api/ops/postbacks?verified=false&reason=bad_signature", HttpStatusCode.OK);
        var rejectedId = rejected.GetProperty("items")[0].GetProperty("id").GetGuid();
        await GetAsync("ops: one rejected postback", ops, $"/api/ops/postbacks/{rejectedId}", HttpStatusCode.OK);
        await SendAsync("ops: reverify a forged postback", ops, HttpMethod.Post, $"/api/ops/postbacks/{rejectedId}/reverify", null, HttpStatusCode.UnprocessableEntity);
        await GetAsync("ops call with a frontend token", alice, "/api/ops/deposits", HttpStatusCode.Forbidden);
        await GetAsync("ops call without a token", gateway, "/api/ops/deposits", HttpStatusCode.Unauthorized);
        using var forger = As("drill-ops", ops: true, key: "not-" + DrillSecrets.JwtSigningKey);
        await GetAsync("ops call with a token signed by another key", forger, "/api/ops/deposits", HttpStatusCode.Unauthorized);
        await GetAsync("metrics", gateway, "/metrics", HttpStatusCode.OK, json: false);
        await GetAsync("openapi document (ops only outside Development)", ops, "/openapi/v1.json", HttpStatusCode.OK);
        await GetAsync("openapi document without a token", gateway, "/openapi/v1.json", HttpStatusCode.Unauthorized);
        await GetAsync("readiness", gateway, "/health/ready", HttpStatusCode.OK, json: false);

        // The gateway misbehaving as a whole: refusing, down, stalling.
        using var hank = As("hank");
        var depositH = await CreateDepositAsync("deposit", hank, HttpStatusCode.Created);
        await FaultAsync(control, new { mode = "refuse" });
        await CreateDepositAsync("deposit, gateway refuses everything", hank, HttpStatusCode.BadGateway);
        await FaultAsync(control, new { mode = "down" });
        await CreateDepositAsync("deposit, gateway down", hank, HttpStatusCode.ServiceUnavailable);
        await UploadAsync("proof, gateway down", hank, depositH, "246813579024", HttpStatusCode.Accepted);
        await FaultAsync(control, new { mode = "stall", stallSeconds = 3 });
        await CreateDepositAsync("deposit, gateway stalls", hank, HttpStatusCode.GatewayTimeout);
        await FaultAsync(control, new { mode = "none" });

        // PostgreSQL gone, and back.
        await rig.Postgres.StopAsync("immediate");
        rig.Log("PostgreSQL stopped");
        await CreateDepositAsync("deposit, database down", hank, HttpStatusCode.ServiceUnavailable);
        await PostbackAsync("postback, database down", gateway, DrillPostbacks.For(DrillPostbacks.NewTransactionId(), null), HttpStatusCode.ServiceUnavailable);
        await GetAsync("deposit read, database down", hank, $"/api/deposits/{depositH}", HttpStatusCode.ServiceUnavailable);
        await GetAsync("ops, database down", ops, "/api/ops/postbacks", HttpStatusCode.ServiceUnavailable);
        await GetAsync("readiness, database down", gateway, "/health/ready", HttpStatusCode.ServiceUnavailable, json: false);
        // A second instance deployed while the database is down: it must fail to start, and say why without the password.
        var second = rig.MerchantApi(sandbox.BaseUrl, settings);
        var failedStart = second.StartProcess();
        await failedStart.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var why = failedStart.Lines.FirstOrDefault(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.Contains("\"@l\":\"Fatal", StringComparison.Ordinal)) ?? "(none)";
        rig.Log($"second instance started with PostgreSQL down: exit code {failedStart.ExitCode}, {failedStart.Lines.Count} lines of output, e.g.: {why[..Math.Min(300, why.Length)]}");
        Check("an instance started with the database down exits non-zero", failedStart.ExitCode != 0);
        await rig.Postgres.StartAsync();
        rig.Log("PostgreSQL started");
        var back = await MerchantCalls.EventuallyAsync(async () =>
        {
            using var answer = await hank.PostAsJsonAsync("/api/deposits", new { amount = 300 });
            return answer.StatusCode;
        }, status => status == HttpStatusCode.Created, TimeSpan.FromSeconds(15));
        Record("deposit, database back", back, HttpStatusCode.Created);

        // Let the dispatcher retry the queued proofs a few times, then read everything printed.
        await Task.Delay(TimeSpan.FromSeconds(2));
        rig.Log($"answers by status: {string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        rig.Log($"api printed {api.Runs.Sum(r => r.Lines.Count)} lines, the failed second instance {failedStart.Lines.Count}, sandbox {sandbox.Runs.Sum(r => r.Lines.Count)}; {recorder.Answers.Count} answers recorded");
        var levels = api.Runs.SelectMany(r => r.Lines)
            .Select(l => l.Contains("\"@l\":\"", StringComparison.Ordinal) ? l.Split("\"@l\":\"")[1].Split('"')[0] : "Information")
            .GroupBy(l => l).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        rig.Log($"api lines by level: {string.Join(", ", levels)}");
        Assert.True(_failures.Count == 0, "the drill did not exercise what it meant to:\n" + string.Join('\n', _failures));
        rig.AssertNoSecretsInOutput();
        var answers = string.Join('\n', recorder.Answers);
        foreach (var (name, value) in DrillSecrets.All)
        {
            foreach (var form in DrillSecrets.FormsOf(value))
            {
                Assert.False(answers.Contains(form, StringComparison.OrdinalIgnoreCase), $"{name} appears in an answer (as \"{form}\")");
            }
        }
        rig.Log($"responses: no secret in {recorder.Answers.Count} answers ({answers.Length} characters)");
    }

    private void Record(string what, HttpStatusCode status, HttpStatusCode expected)
    {
        _statuses[(int)status] = _statuses.GetValueOrDefault((int)status) + 1;
        _rig.Log($"{what}: {(int)status}");
        Check($"{what}: expected {(int)expected}, got {(int)status}", status == expected);
    }

    private void Check(string what, bool ok)
    {
        if (!ok)
        {
            _failures.Add(what);
        }
    }

    private async Task<Guid> CreateDepositAsync(string what, HttpClient user, HttpStatusCode expected)
    {
        using var answer = await user.PostAsJsonAsync("/api/deposits", new { amount = 300 });
        Record(what, answer.StatusCode, expected);
        return answer.StatusCode == HttpStatusCode.Created
            ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()
            : Guid.Empty;
    }

    private async Task<JsonElement> UploadAsync(string what, HttpClient user, Guid depositId, string number, HttpStatusCode expected, string? idempotencyKey = null)
    {
        var (status, body) = await MerchantCalls.UploadProofAsync(user, depositId, number, idempotencyKey: idempotencyKey);
        Record($"{what} ({(body.ValueKind == JsonValueKind.Object && body.TryGetProperty("status", out var s) ? s : default)})", status, expected);
        return body;
    }

    private async Task PostbackAsync(string what, HttpClient gateway, byte[] body, HttpStatusCode expected)
    {
        using var answer = await DrillPostbacks.SendAsync(gateway, body);
        Record(what, answer.StatusCode, expected);
    }

    private async Task<JsonElement> GetAsync(string what, HttpClient client, string path, HttpStatusCode expected, bool json = true) =>
        await SendAsync(what, client, HttpMethod.Get, path, null, expected, json);

    private async Task<JsonElement> SendAsync(string what, HttpClient client, HttpMethod method, string path, HttpContent? content,
        HttpStatusCode expected, bool json = true)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var answer = await client.SendAsync(request);
        Record(what, answer.StatusCode, expected);
        var text = await answer.Content.ReadAsStringAsync();
        return json && answer.IsSuccessStatusCode && text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    private async Task TriggerAsync(HttpClient control, string what, object request, int expectedStatus)
    {
        using var answer = await control.PostAsJsonAsync("/sandbox/postbacks", request);
        var record = await answer.Content.ReadFromJsonAsync<JsonElement>();
        var status = answer.StatusCode == HttpStatusCode.Created
            ? record.GetProperty("lastAttempt").GetProperty("statusCode").GetInt32()
            : (int)answer.StatusCode;
        Record($"sandbox postback {what}", (HttpStatusCode)status, (HttpStatusCode)expectedStatus);
    }

    private async Task FaultAsync(HttpClient control, object fault)
    {
        using var answer = await control.PostAsJsonAsync("/sandbox/faults", fault);
        answer.EnsureSuccessStatusCode();
        _rig.Log($"sandbox fault: {Encoding.UTF8.GetString(await answer.Content.ReadAsByteArrayAsync())}");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>How each declared error is brought about, against which instance of the service.</summary>
public sealed partial class DeclaredErrorsTests
{
    private static readonly string TooLongReason = new('r', 501);

    /// <summary>What the answers below need to exist first, in the main instance.</summary>
    private sealed record Arranged(
        Guid ConfirmedDeposit, string ConfirmedLabel, Guid AcceptedPostback, Guid RejectedPostback,
        Guid RejectedPayout, Guid OwnPayout, Lazy<Task<(Answer TooMany, Answer AtCapacity)>> Streams);

    private async Task<Arranged> ArrangeAsync()
    {
        // A deposit confirmed by a signed postback: it takes no more proofs, and its postback was accepted.
        var label = GatewayScript.NewLabel("closed");
        var (depositId, customId) = await _main.ForwardedProofAsync(label);
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = _main.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(TestPostbacks.For(customId, transactionId, "300", label))).StatusCode);
        // A postback whose signature does not verify: stored as rejected.
        var forged = TestPostbacks.WithTopLevel(TestPostbacks.For("pm_unknown", TestPostbacks.NewTransactionId()), "signature", new string('a', 40));
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.PostAsync(forged)).StatusCode);
        using var ops = _main.ClientFor("arranging-ops", ops: true);
        var accepted = (await ops.GetFromJsonAsync<JsonElement>($"/api/ops/postbacks?transactionId={transactionId}"))
            .GetProperty("items")[0].GetProperty("id").GetGuid();
        var rejected = (await ops.GetFromJsonAsync<JsonElement>("/api/ops/postbacks?outcome=rejected"))
            .GetProperty("items")[0].GetProperty("id").GetGuid();

        // Payouts above the approval threshold wait for a second person: one turned down, one to approve oneself.
        using var owner = _main.ClientWithRoles(Owner, "payouts", "ops");
        var turnedDown = await PayoutAsync(owner);
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/ops/payouts/{turnedDown}/reject", new { reason = "arranged" })).StatusCode);
        var own = await PayoutAsync(owner);

        var streams = new Lazy<Task<(Answer, Answer)>>(StreamRefusalsAsync);
        return new Arranged(depositId, label, accepted, rejected, turnedDown, own, streams);
    }

    private static async Task<Guid> PayoutAsync(HttpClient backOffice)
    {
        var payout = await backOffice.CreateAsync(PayoutScript.Body(PayoutScript.NewLabel()), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Accepted, payout.StatusCode);
        return (await payout.JsonAsync()).GetProperty("id").GetGuid();
    }

    /// <summary>
    /// One user opens a stream (at most one each, two per instance), then a second: too many for the
    /// user. A second user opens one, a third finds the instance full. In this order, so on their own.
    /// </summary>
    private async Task<(Answer TooMany, Answer AtCapacity)> StreamRefusalsAsync()
    {
        var open = new List<HttpResponseMessage>();
        async Task<HttpResponseMessage> StreamAsync(string label, Guid deposit)
        {
            var client = _main.ClientFor(label);
            var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/deposits/{deposit}/events"),
                HttpCompletionOption.ResponseHeadersRead);
            open.Add(response);
            return response;
        }
        var (first, second, third) = (GatewayScript.NewLabel("stream"), GatewayScript.NewLabel("stream"), GatewayScript.NewLabel("stream"));
        var deposits = await Task.WhenAll(_main.CreateDepositAsync(first), _main.CreateDepositAsync(second), _main.CreateDepositAsync(third));
        Assert.Equal(HttpStatusCode.OK, (await StreamAsync(first, deposits[0])).StatusCode);
        var tooMany = await Answer.Of(await StreamAsync(first, deposits[0]));
        Assert.Equal(HttpStatusCode.OK, (await StreamAsync(second, deposits[1])).StatusCode);
        var atCapacity = await Answer.Of(await StreamAsync(third, deposits[2]));
        open.ForEach(response => response.Dispose());
        return (tooMany, atCapacity);
    }

    /// <summary>The way to this declared error, or null when there is none.</summary>
    private Func<Task<Answer>>? Provoker(DeclaredError error) => (error.Operation, error.Status) switch
    {
        ("CreateDeposit", 409) => () => InProgressDepositAsync(),
        ("CreateDeposit", 422) => () => ReusedKeyAsync("/api/deposits"),
        ("CreateDeposit", 502) => () => GatewayAnswersAsync("""{"status":"fail","message":"User label is blocked"}""", 200, null),
        ("CreateDeposit", 503) => () => GatewayAnswersAsync("down", 503, null),
        ("CreateDeposit", 504) => () => GatewayAnswersAsync(GatewayScript.RequisitesBody(), 200, TimeSpan.FromSeconds(10), _impatient),
        ("CreateWindowDeposit", 403) => () => Send(_disabled, Request(error, Who.User)),
        ("CreateWindowDeposit", 409) => () => InProgressWindowDepositAsync(),
        ("CreateWindowDeposit", 422) => () => ReusedKeyAsync("/api/deposits/window"),
        ("GetDepositEvents", 404) => () => Send(_main, Request(error, Who.User)),
        ("GetDepositEvents", 429) => async () => (await _data.Streams.Value).TooMany,
        ("GetDepositEvents", 503) => async () => (await _data.Streams.Value).AtCapacity,
        ("SubmitProof", 409) => () => Send(_main, Request(error, Who.User, id: _data.ConfirmedDeposit, subject: _data.ConfirmedLabel)),
        ("SubmitProof", 415) => () => Send(_main, Request(error, Who.User, body: JsonContent.Create(new { transactionNumber = "293397556789" }))),
        ("SubmitProof", 422) => () => RejectedProofAsync(),
        ("ReceivePostback", 400) => () => Send(_main, Request(error, Who.Nobody, body: new StringContent("not a postback", Encoding.UTF8, "application/json"))),
        ("ReceivePostback", 401) => () => Send(_main, Request(error, Who.Nobody, body: Bytes(
            TestPostbacks.WithTopLevel(TestPostbacks.For("pm_x", TestPostbacks.NewTransactionId()), "signature", new string('b', 40))))),
        ("ReceivePostback", 413) => () => TooLargeAsync(error, Who.Nobody, "application/json", 1024 * 1024),
        ("ReceivePostback", 503) => () => Send(_down, Request(error, Who.Nobody)),
        ("CreatePayout", 403) => () => Send(_disabled, Request(error, Who.BackOffice)),
        ("CreatePayout", 422) => () => Send(_main, Request(error, Who.BackOffice, body: JsonContent.Create(PayoutScript.Body(PayoutScript.NewLabel(), amount: 6000)))),
        ("OpsReverifyPostback", 409) => () => Send(_main, Request(error, Who.Ops, id: _data.AcceptedPostback)),
        ("OpsReverifyPostback", 422) => () => Send(_main, Request(error, Who.Ops, id: _data.RejectedPostback)),
        ("OpsApprovePayout", 403) => () => Send(_main, Request(error, Who.Ops, id: _data.OwnPayout, subject: Owner)),
        ("OpsApprovePayout" or "OpsRejectPayout" or "OpsRetryPayout", 409) => () => Send(_main, Request(error, Who.Ops, id: _data.RejectedPayout)),
        (_, 400) when Invalid(error) is { } invalid => () => Send(_main, invalid),
        (_, 413) => () => TooLargeAsync(error, WhoCalls(error.Path), error.Operation == "SubmitProof" ? "multipart/form-data; boundary=b" : "application/json",
            error.Operation == "SubmitProof" ? 30 * 1024 * 1024 : 2 * 1024 * 1024),
        (_, 415) => () => Send(_main, Request(error, WhoCalls(error.Path), body: new StringContent("{}", Encoding.Latin1, "application/json"))),
        _ => error.ExampleType switch
        {
            "unauthorized" => () => Send(_main, Request(error, Who.Nobody)),
            "forbidden" => () => Send(_main, Request(error, WhoCalls(error.Path), subject: WrongRoleSubject)),
            "rate-limited" => () => RateLimitedAsync(error),
            "not-found" => () => Send(_main, Request(error, WhoCalls(error.Path))),
            "database-unavailable" => () => Send(_down, Request(error, WhoCalls(error.Path))),
            "request-timeout" => () => Send(_stuck, Request(error, WhoCalls(error.Path))),
            _ => null,
        },
    };

    /// <summary>Each operation's own invalid request, as its 400 example describes it.</summary>
    private static HttpRequestMessage? Invalid(DeclaredError error) => error.Operation switch
    {
        "CreateDeposit" => Request(error, Who.User, body: JsonContent.Create(new { amount = 0 })),
        "CreateWindowDeposit" => Request(error, Who.User, body: JsonContent.Create(new { lang = "x" })),
        "SubmitProof" => Request(error, Who.User, body: ProofScript.Form(transactionNumber: "12345")),
        "CreatePayout" => Request(error, Who.BackOffice, body: JsonContent.Create(new { label = "payee", amount = 10, accountNumber = "9440377924" })),
        "OpsRetryProof" or "OpsRejectPayout" or "OpsRetryPayout" => Request(error, Who.Ops, body: JsonContent.Create(new { })),
        "OpsReverifyPostback" or "OpsApprovePayout" or "OpsRedeliverEvent" =>
            Request(error, Who.Ops, body: JsonContent.Create(new { reason = TooLongReason })),
        "OpsListAttention" => Request(error, Who.Ops, query: "?kind=everything"),
        "OpsMarkAttentionSeen" => Request(error, Who.Ops, body: JsonContent.Create(new { })),
        "OpsReconciliation" => Request(error, Who.Ops, query: "?from=2026-01-01&to=2026-12-31"),
        _ when error.Method == "GET" && !error.Path.Contains('{', StringComparison.Ordinal) =>
            Request(error, WhoCalls(error.Path), query: "?pageSize=1000"),
        _ => null,
    };

    private enum Who
    {
        Nobody,
        User,
        Ops,
        BackOffice,
    }

    private static Who WhoCalls(string path) =>
        path.StartsWith("/api/ops", StringComparison.Ordinal) ? Who.Ops
        : path.StartsWith("/api/payouts", StringComparison.Ordinal) ? Who.BackOffice
        : path.StartsWith("/api/paykassma", StringComparison.Ordinal) ? Who.Nobody
        : Who.User;

    /// <summary>Marks a token that has a subject but not what the call needs (a user's label that is too long, no role).</summary>
    private const string WrongRoleSubject = "\u0001wrong-role";

    /// <summary>The operation's request, valid in every way but what the caller changes: its body, its ids, its caller.</summary>
    private static HttpRequestMessage Request(DeclaredError error, Who who, HttpContent? body = null, Guid? id = null, string? subject = null,
        string query = "")
    {
        var path = error.Path.Replace("{id}", (id ?? Guid.NewGuid()).ToString(), StringComparison.Ordinal)
            .Replace("{subjectId}", (id ?? Guid.NewGuid()).ToString(), StringComparison.Ordinal)
            .Replace("{kind}", "payout_refused", StringComparison.Ordinal)
            + (query == "" ? ValidQuery(error) : query);
        var request = new HttpRequestMessage(new HttpMethod(error.Method), path) { Content = body ?? ValidBody(error) };
        subject ??= who == Who.User ? GatewayScript.NewLabel("err") : "ops-" + Guid.NewGuid().ToString("N")[..8];
        string? token = (who, subject) switch
        {
            (Who.Nobody, _) => null,
            (Who.User, WrongRoleSubject) => TestTokens.For(new string('u', 191)),
            (_, WrongRoleSubject) => TestTokens.For(GatewayScript.NewLabel("user")),
            (Who.User, _) => TestTokens.For(subject),
            (Who.Ops, _) => TestTokens.For(subject, roles: "ops"),
            (Who.BackOffice, _) => TestTokens.For(subject, roles: "payouts"),
            _ => null,
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (error.Operation is "CreatePayout" or "CreateDeposit" or "CreateWindowDeposit" or "SubmitProof")
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }
        return request;
    }

    /// <summary>The query an operation needs to be valid (so the answer is about something else).</summary>
    private static string ValidQuery(DeclaredError error) => error.Operation switch
    {
        "OpsReconciliation" => "?from=2026-01-27&to=2026-01-28",
        _ => "",
    };

    /// <summary>A body that passes every check of its operation (so the answer is about something else).</summary>
    private static HttpContent? ValidBody(DeclaredError error) => error.Operation switch
    {
        "CreateDeposit" or "CreateWindowDeposit" => JsonContent.Create(new { amount = 300 }),
        "SubmitProof" => ProofScript.Form(),
        "CreatePayout" => JsonContent.Create(PayoutScript.Body(PayoutScript.NewLabel())),
        "OpsMarkAttentionSeen" => JsonContent.Create(new { note = "Checking the error contract" }),
        "ReceivePostback" => Bytes(TestPostbacks.For("pm_" + Guid.NewGuid().ToString("N"), TestPostbacks.NewTransactionId())),
        _ when error.Method == "POST" && error.Path.StartsWith("/api/ops/", StringComparison.Ordinal) && error.Path.Contains('{', StringComparison.Ordinal) =>
            JsonContent.Create(new { reason = "Checking the error contract" }),
        _ => null,
    };

    private static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<Answer> Send(MerchantApiFactory api, HttpRequestMessage request)
    {
        using var client = api.CreateClient();
        using (request)
        {
            return await Answer.Of(await client.SendAsync(request));
        }
    }
}

using System.Net.Http.Json;
using System.Text;
using Npgsql;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Paykassma.Merchant.Api.Tests.Sweep;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>The provokers that need more than one request: rate limits, the gateway's answers, work in progress, sizes.</summary>
public sealed partial class DeclaredErrorsTests
{
    /// <summary>The same request twice from one caller, when each may make one a minute.</summary>
    private async Task<Answer> RateLimitedAsync(DeclaredError error)
    {
        var subject = WhoCalls(error.Path) == Who.User ? GatewayScript.NewLabel("limited") : "limited-" + Guid.NewGuid().ToString("N")[..8];
        _ = await Send(_limited, Request(error, WhoCalls(error.Path), subject: subject));
        return await Send(_limited, Request(error, WhoCalls(error.Path), subject: subject));
    }

    /// <summary>The gateway's answer to a new deposit, scripted for a label of its own.</summary>
    private async Task<Answer> GatewayAnswersAsync(string body, int status, TimeSpan? delay, MerchantApiFactory? service = null)
    {
        var label = GatewayScript.NewLabel("gateway");
        service ??= _main;
        service.Gateway.AnswersCreate(label, body, status, delay);
        using var client = service.ClientFor(label);
        return await Answer.Of(await client.PostAsJsonAsync("/api/deposits", new { amount = 300 }));
    }

    /// <summary>A repeat of a deposit whose first request still waits for a slow gateway.</summary>
    private async Task<Answer> InProgressDepositAsync()
    {
        var label = GatewayScript.NewLabel("slow");
        _main.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody(), delay: TimeSpan.FromSeconds(5));
        using var client = _main.ClientFor(label);
        var key = Guid.NewGuid().ToString();
        var first = client.SendAsync(Keyed("/api/deposits", key, new { amount = 300 }));
        // The repeat goes once the first request's claim has committed: after a fixed 500 ms a loaded machine
        // (load ~50) sent it before the first had claimed the key, and the repeat created the deposit (201).
        await Eventually.WaitForAsync(() => _main.DepositKeyClaimedAsync(label, key), claimed => claimed || first.IsCompleted,
            pause: TimeSpan.FromMilliseconds(10));
        var repeat = await Answer.Of(await client.SendAsync(Keyed("/api/deposits", key, new { amount = 300 })));
        (await first).Dispose();
        return repeat;
    }

    /// <summary>
    /// A window deposit whose key another request holds and has not finished: the claim that request
    /// made, written as it writes it (the fingerprint's canonical text is stable: it is stored).
    /// </summary>
    private async Task<Answer> InProgressWindowDepositAsync()
    {
        var label = GatewayScript.NewLabel("window");
        var key = Guid.NewGuid().ToString();
        await using (var connection = new NpgsqlConnection(_main.ConnectionString))
        {
            await connection.OpenAsync();
            await using var claim = new NpgsqlCommand(
                "INSERT INTO deposit_idempotency_keys (label, key, request_hash, locked_until, created_at) VALUES (@l, @k, @h, now() + interval '1 hour', now())",
                connection);
            claim.Parameters.AddWithValue("l", label);
            claim.Parameters.AddWithValue("k", key);
            claim.Parameters.AddWithValue("h", Paykassma.Merchant.Api.Idempotency.RequestFingerprint.Of("create-window-deposit|amount=300|lang="));
            await claim.ExecuteNonQueryAsync();
        }
        using var client = _main.ClientFor(label);
        return await Answer.Of(await client.SendAsync(Keyed("/api/deposits/window", key, new { amount = 300 })));
    }

    private async Task<Answer> ReusedKeyAsync(string path)
    {
        var label = GatewayScript.NewLabel("reuse");
        _main.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var client = _main.ClientFor(label);
        var key = Guid.NewGuid().ToString();
        (await client.SendAsync(Keyed(path, key, new { amount = 300 }))).Dispose();
        return await Answer.Of(await client.SendAsync(Keyed(path, key, new { amount = 301 })));
    }

    private async Task<Answer> RejectedProofAsync()
    {
        var label = GatewayScript.NewLabel("refused");
        var deposit = await _main.CreateDepositAsync(label);
        _main.Gateway.AnswersProof(label, """{"status":"fail","message":"Transaction not found"}""");
        using var client = _main.ClientFor(label);
        return await Answer.Of(await client.UploadAsync(deposit, ProofScript.Form()));
    }

    private static HttpRequestMessage Keyed(string path, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>
    /// A body whose Content-Length is past the limit, over a bare socket: the server answers 413 from
    /// the length alone and hangs up, which HttpClient would report as a failed send.
    /// </summary>
    private async Task<Answer> TooLargeAsync(DeclaredError error, Who who, string contentType, long length)
    {
        using var request = Request(error, who);
        var head = new StringBuilder()
            .Append(error.Method).Append(' ').Append(request.RequestUri).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1\r\n")
            .Append(request.Headers.Authorization is { } auth ? $"Authorization: {auth}\r\n" : "")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(length).Append("\r\n")
            .Append("Connection: close\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(head.ToString()).Concat(new byte[4096]).ToArray();
        var exchange = await RawHttp.ExchangeAsync(_kestrel, bytes, halfClose: false, isHead: false, TimeSpan.FromSeconds(20));
        Assert.True(exchange.Response is not null, $"{error}: no answer ({exchange.Outcome}: {exchange.Detail})");
        return new Answer(exchange.Response.Status, exchange.Response.MediaType, exchange.Response.BodyText);
    }
}

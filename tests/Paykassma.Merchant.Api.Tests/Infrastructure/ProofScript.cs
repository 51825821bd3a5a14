using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>Proof uploads and the fake gateway's possible-transaction call, per user label.</summary>
public static class ProofScript
{
    public const string ProofPath = "/api/v1/possible-transaction";
    public const string SuccessBody = """{"status":"success","message":"","code":20000,"data":[],"paginate":{"offset":0,"total":1,"limit":1}}""";

    public static byte[] Png(int size = 2048, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        byte[] magic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        magic.CopyTo(bytes, 0);
        return bytes;
    }

    public static IRequestBuilder ProofCallFor(string label) => Request.Create()
        .WithPath(ProofPath).UsingPost()
        .WithBody((byte[]? body) => body is not null && Contains(body, LabelPart(label)));

    public static void AnswersProof(this WireMockServer gateway, string label, string body = SuccessBody, int status = 200, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }
        gateway.Given(ProofCallFor(label)).RespondWith(response);
    }

    public static IReadOnlyList<IRequestMessage> ProofCallsFor(this WireMockServer gateway, string label) =>
        gateway.ProofEntriesFor(label).Select(e => e.RequestMessage!).ToList();

    public static IReadOnlyList<WireMock.Logging.ILogEntry> ProofEntriesFor(this WireMockServer gateway, string label) =>
        gateway.LogEntries
            .Where(e => e.RequestMessage?.Path == ProofPath && e.RequestMessage.BodyAsBytes is { } b && Contains(b, LabelPart(label)))
            .ToList();

    /// <summary>Calls the gateway answered 200 (accepted or refused), as opposed to outages.</summary>
    public static int AnsweredProofCallsFor(this WireMockServer gateway, string label) =>
        gateway.ProofEntriesFor(label).Count(e => Convert.ToInt32(e.ResponseMessage?.StatusCode, System.Globalization.CultureInfo.InvariantCulture) == 200);

    public static async Task<Guid> CreateDepositAsync(this MerchantApiFactory api, string label, int amount = 300)
    {
        api.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var client = api.ClientFor(label);
        var response = await client.PostAsJsonAsync("/api/deposits", new { amount });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>
    /// A deposit with a proof the gateway accepted (forwarded): what a postback is meant to confirm.
    /// Its bank transaction number is fresh, so tests never claim each other's.
    /// </summary>
    public static async Task<(Guid DepositId, string CustomId)> ForwardedProofAsync(this MerchantApiFactory api, string label, int claimed = 300)
    {
        var depositId = await api.CreateDepositAsync(label);
        return (depositId, await api.ForwardedProofAsync(label, depositId, claimed));
    }

    /// <summary>One more forwarded proof on an existing deposit; returns its custom_transaction_id.</summary>
    public static async Task<string> ForwardedProofAsync(this MerchantApiFactory api, string label, Guid depositId, int claimed)
    {
        api.Gateway.AnswersProof(label);
        using var client = api.ClientFor(label);
        var upload = await client.UploadAsync(depositId,
            Form(TestPostbacks.NewTransactionId(), claimed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var proof = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("forwarded", proof.GetProperty("status").GetString());
        return proof.GetProperty("customTransactionId").GetString()!;
    }

    /// <summary>
    /// <see cref="Form"/>'s default transaction number: a new one on every call, because a number
    /// may be held by one live proof only and the tests of a fixture share its database.
    /// </summary>
    public const string NewNumber = "new";

    /// <summary>Outside 0000…/9999… (the sandbox's refuse/down numbers) and the fixed numbers tests use.</summary>
    private static long _lastNumber = Random.Shared.NextInt64(300_000_000_000, 400_000_000_000);

    /// <summary>A 12-digit transaction number no other call in this process was given.</summary>
    public static string NewTransactionNumber() =>
        Interlocked.Increment(ref _lastNumber).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);

    public static MultipartFormDataContent Form(string? transactionNumber = NewNumber, string? amount = "300",
        byte[]? screenshot = null, string fileName = "payment.png", string contentType = "image/png", bool withScreenshot = true)
    {
        if (transactionNumber == NewNumber)
        {
            transactionNumber = NewTransactionNumber();
        }
        var form = new MultipartFormDataContent();
        if (transactionNumber is not null)
        {
            form.Add(new StringContent(transactionNumber), "transactionNumber");
        }
        if (amount is not null)
        {
            form.Add(new StringContent(amount), "amount");
        }
        if (withScreenshot)
        {
            var file = new ByteArrayContent(screenshot ?? Png());
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            form.Add(file, "screenshot", fileName);
        }
        return form;
    }

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, Guid depositId, HttpContent form, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/deposits/{depositId}/proof") { Content = form };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return client.SendAsync(request);
    }

    public static async Task<Dictionary<string, (string? FileName, string? ContentType, byte[] Bytes)>> ReadMultipartAsync(IRequestMessage request)
    {
        var contentType = request.Headers!["Content-Type"].Single();
        var boundary = HeaderUtilities.RemoveQuotes(Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(request.BodyAsBytes!));
        var parts = new Dictionary<string, (string?, string?, byte[])>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            parts[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] =
                (HeaderUtilities.RemoveQuotes(disposition.FileName).Value, section.ContentType, buffer.ToArray());
        }
        return parts;
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static byte[] LabelPart(string label) => Encoding.UTF8.GetBytes("\r\n\r\n" + label + "\r\n");

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

/// <summary>A service whose proof dispatcher runs fast, for tests that wait for deliveries.</summary>
public sealed class FastDispatcherFactory : MerchantApiFactory
{
    public FastDispatcherFactory()
    {
        With("Proofs:Dispatcher:PollInterval", "00:00:00.100");
        With("Proofs:Dispatcher:BaseDelay", "00:00:00.200");
        With("Proofs:Dispatcher:MaxDelay", "00:00:00.500");
        With("Proofs:Dispatcher:Lease", "00:00:20");
    }
}

[CollectionDefinition(Name)]
public sealed class ProofCollection : ICollectionFixture<FastDispatcherFactory>
{
    public const string Name = "proofs";
}

public static class Eventually
{
    /// <summary>
    /// Probes until <paramref name="done"/> (or the timeout: the last value is returned for the caller to
    /// assert), every 100 ms unless <paramref name="pause"/> says otherwise: a test that must act within a
    /// short window after the condition holds looks more often.
    /// </summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, TimeSpan? pause = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(pause ?? TimeSpan.FromMilliseconds(100));
        }
    }
}

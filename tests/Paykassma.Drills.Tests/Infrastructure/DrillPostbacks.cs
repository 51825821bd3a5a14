using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>
/// The drills' postbacks: one deposit item, stamped now, built and signed by the kit's
/// <see cref="SignedPostbacks"/>; and the gateway's notion of delivered.
/// </summary>
public static class DrillPostbacks
{
    public const string Path = "/api/paykassma/postback";

    private static long _sequence = Random.Shared.NextInt64(100_000_000_000, 800_000_000_000);

    /// <summary>The next transaction id <see cref="NewTransactionId"/> will give (a drill prepares what those postbacks will name).</summary>
    public static long NextTransactionId => Interlocked.Read(ref _sequence) + 1;

    /// <summary>A 12-digit transaction id no other postback of this test run has.</summary>
    public static string NewTransactionId() => Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);

    public static byte[] For(string transactionId, string? customOrderId, int amount = 300, string label = "drill-user",
        string accessKey = DrillSecrets.PostbackAccessKey, string privateKey = DrillSecrets.PostbackPrivateKey)
    {
        // Stamped now, on the gateway's UTC+8 clock.
        var now = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var item = SignedPostbacks.Item(transactionId, customOrderId, amount.ToString(CultureInfo.InvariantCulture), activated: now);
        return SignedPostbacks.Body(new JsonArray(item), accessKey, privateKey, label, amount, created: now);
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, byte[] body, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(Path, content, cancellationToken);
    }

    /// <summary>The gateway's notion of delivered: HTTP 200 and a JSON object whose status is "ok".</summary>
    public static async Task<bool> IsOkAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("status", out var status) && status.GetString() == "ok";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

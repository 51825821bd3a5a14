using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>
/// Postbacks as the gateway builds them: additional_data signed over PHP's json_encode with
/// UNESCAPED_SLASHES|UNESCAPED_UNICODE, the body sent with PHP's default escaping.
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
        var additional = new JsonArray(new JsonObject
        {
            ["activated_datetime"] = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["exchanger_identifier"] = null,
            ["comment"] = "",
            ["amount"] = amount.ToString(CultureInfo.InvariantCulture),
            ["currency_code"] = "BTN",
            ["wallet_type"] = "bnb_ml",
            ["stockpiling_id"] = 12057,
            ["transaction_id"] = transactionId,
            ["transaction_type"] = 0,
            ["plugin_custom_order_id"] = customOrderId,
            ["withdrawal_id"] = null,
            ["withdrawal_status"] = null,
            ["account_number"] = "",
            ["account_name"] = "",
            ["account_email"] = "",
            ["bank_details"] = new JsonObject { ["bank_code"] = "", ["branch_code"] = "" },
        });
        using var signedDocument = JsonDocument.Parse(additional.ToJsonString());
        var signature = PostbackSignature.Compute(accessKey, privateKey, PhpJson.Encode(signedDocument.RootElement, PhpJsonFlags.Signing));
        var body = new JsonObject
        {
            ["signature"] = signature,
            ["wallet_type"] = "bnb_ml",
            ["amount"] = amount,
            ["currency_code"] = "BTN",
            ["label"] = label,
            ["direction"] = "ingoing",
            ["created_datetime"] = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["access_key"] = accessKey,
            ["additional_data"] = additional,
        };
        using var wireDocument = JsonDocument.Parse(body.ToJsonString());
        return PhpJson.Encode(wireDocument.RootElement, PhpJsonFlags.None);
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

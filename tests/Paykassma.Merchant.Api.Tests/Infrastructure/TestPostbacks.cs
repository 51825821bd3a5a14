using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.PluginApi.Postbacks;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// Postbacks as the gateway builds them, with this service's test keys and fixture values: the
/// kit's <see cref="SignedPostbacks"/> signs and encodes them; the legacy format and the HTTP side live here.
/// </summary>
public static class TestPostbacks
{
    public static string NewTransactionId() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Item(string transactionId, string? customOrderId, string amount = "300", string currency = "BTN",
        string activated = SignedPostbacks.Activated, bool withdrawal = false, string comment = "") =>
        SignedPostbacks.Item(transactionId, customOrderId, amount, currency, activated, withdrawal, comment);

    /// <summary>An outgoing item as the gateway signs it when a payout settles.</summary>
    public static JsonObject PayoutItem(string transactionId, string withdrawalId, int withdrawalStatus, string amount, string currency = "BTN")
    {
        var item = Item(transactionId, null, amount, currency, withdrawal: true);
        item["withdrawal_id"] = withdrawalId;
        item["withdrawal_status"] = withdrawalStatus;
        item["wallet_type"] = "sinpemovil";
        return item;
    }

    /// <summary>A signed postback body. Top-level values are unsigned and may be set to anything.</summary>
    public static byte[] Body(IEnumerable<JsonObject> items, string label = "labeluser", int topAmount = 300, string direction = "ingoing",
        PhpJsonFlags wire = PhpJsonFlags.None, string accessKey = MerchantApiFactory.PostbackAccessKey,
        string privateKey = MerchantApiFactory.PostbackPrivateKey, string? signatureOverride = null) =>
        SignedBody(new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()), label, topAmount, direction, wire, accessKey,
            privateKey, signatureOverride);

    /// <summary>A postback whose signed additional_data is any value: a list, an object keyed by index, a scalar.</summary>
    public static byte[] SignedBody(JsonNode? additionalData, string label = "labeluser", int topAmount = 300, string direction = "ingoing",
        PhpJsonFlags wire = PhpJsonFlags.None, string accessKey = MerchantApiFactory.PostbackAccessKey,
        string privateKey = MerchantApiFactory.PostbackPrivateKey, string? signatureOverride = null)
        => SignedPostbacks.Body(additionalData, accessKey, privateKey, label, topAmount, direction, wire: wire,
            signatureOverride: signatureOverride);

    /// <summary>
    /// A legacy-format postback (top-level stockpiling, a signed transactions list with custom_id),
    /// signed over json_encode with the given flags: older gateway versions used none.
    /// </summary>
    public static byte[] LegacyBody(string transactionId, string customId, PhpJsonFlags signedWith, string amount = "300",
        string comment = "Оплата / ཉེས་", string label = "labeluser")
    {
        var transactions = new JsonArray(new JsonObject
        {
            ["amount"] = amount,
            ["currency_code"] = "BTN",
            ["wallet_type"] = "bnb_ml",
            ["transaction_id"] = transactionId,
            ["transaction_type"] = 0,
            ["created_datetime"] = "2026-01-27 09:32:02",
            ["activated_datetime"] = "2026-01-27 09:32:01",
            ["custom_id"] = customId,
            ["comment"] = comment,
        });
        var body = new JsonObject
        {
            ["access_key"] = MerchantApiFactory.PostbackAccessKey,
            ["label"] = label,
            ["stockpiling"] = "1",
            ["stockpiling_id"] = 12057,
            ["transactions"] = transactions,
            ["signature"] = SignedPostbacks.Sign(transactions, signedWith, MerchantApiFactory.PostbackAccessKey, MerchantApiFactory.PostbackPrivateKey),
        };
        return SignedPostbacks.Encode(body, PhpJsonFlags.None);
    }

    /// <summary>The same body with one top-level (unsigned) field set to anything: what a replayer can do.</summary>
    public static byte[] WithTopLevel(byte[] body, string field, JsonNode? value)
    {
        var parsed = JsonNode.Parse(body)!.AsObject();
        parsed[field] = value;
        return SignedPostbacks.Encode(parsed, PhpJsonFlags.None);
    }

    public static byte[] For(string customOrderId, string transactionId, string amount = "300", string label = "labeluser",
        PhpJsonFlags wire = PhpJsonFlags.None, int topAmount = 300) =>
        Body([Item(transactionId, customOrderId, amount)], label, topAmount, wire: wire);

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync("/api/paykassma/postback", content);
    }

    public static async Task<string> StatusOf(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("status").GetString()!;
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

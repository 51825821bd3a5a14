using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Tests.Shared;

/// <summary>
/// The one builder of gateway postbacks for tests, drills and the bench: additional_data signed over
/// PHP's json_encode with UNESCAPED_SLASHES|UNESCAPED_UNICODE (<see cref="PhpJsonFlags.Signing"/>),
/// the whole body sent in a chosen wire encoding (PHP's default escaping unless told otherwise), with
/// the fields in the gateway's order. Callers adjust an <see cref="Item"/> (e.g. its stockpiling_id)
/// before signing; replacing a value keeps its place.
/// </summary>
public static class SignedPostbacks
{
    /// <summary>The gateway's timestamps in the fixtures: the item was activated a second before the postback was made.</summary>
    public const string Activated = "2026-01-27 09:32:01";

    public const string Created = "2026-01-27 09:32:02";

    /// <summary>One signed transaction (an additional_data entry) as the gateway writes it.</summary>
    public static JsonObject Item(string transactionId, string? customOrderId, string amount = "300", string currency = "BTN",
        string activated = Activated, bool withdrawal = false, string comment = "") => new()
    {
        ["activated_datetime"] = activated,
        ["exchanger_identifier"] = null,
        ["comment"] = comment,
        ["amount"] = amount,
        ["currency_code"] = currency,
        ["wallet_type"] = "bnb_ml",
        ["stockpiling_id"] = 12057,
        ["transaction_id"] = transactionId,
        ["transaction_type"] = withdrawal ? 1 : 0,
        ["plugin_custom_order_id"] = customOrderId,
        // A withdrawal's id is unique at the gateway, and with its status identifies the fact (ADR 0014).
        ["withdrawal_id"] = withdrawal ? Random.Shared.NextInt64(1_000_000, long.MaxValue) : null,
        ["withdrawal_status"] = withdrawal ? 1 : null,
        ["account_number"] = withdrawal ? "88812345" : "",
        ["account_name"] = "",
        ["account_email"] = "",
        ["bank_details"] = new JsonObject { ["bank_code"] = "", ["branch_code"] = "" },
    };

    /// <summary>
    /// A postback whose signed additional_data is any value (a list of <see cref="Item"/>s, an object
    /// keyed by index, a scalar). Top-level values are unsigned and may be set to anything.
    /// </summary>
    public static byte[] Body(JsonNode? additionalData, string accessKey, string privateKey, string label, JsonNode? topAmount,
        string direction = "ingoing", string created = Created, PhpJsonFlags wire = PhpJsonFlags.None, string? signatureOverride = null)
    {
        var signature = signatureOverride ?? Sign(additionalData, PhpJsonFlags.Signing, accessKey, privateKey);
        var body = new JsonObject
        {
            ["signature"] = signature,
            ["wallet_type"] = "bnb_ml",
            ["amount"] = topAmount,
            ["currency_code"] = "BTN",
            ["label"] = label,
            ["direction"] = direction,
            ["created_datetime"] = created,
            ["access_key"] = accessKey,
            ["additional_data"] = additionalData?.DeepClone(),
        };
        return Encode(body, wire);
    }

    /// <summary>The gateway's signature of a value: over its json_encode with these flags.</summary>
    public static string Sign(JsonNode? value, PhpJsonFlags flags, string accessKey, string privateKey)
    {
        using var signedDocument = JsonDocument.Parse(value?.ToJsonString() ?? "null");
        return PostbackSignature.Compute(accessKey, privateKey, PhpJson.Encode(signedDocument.RootElement, flags));
    }

    /// <summary>A body's bytes on the wire, as PHP's json_encode writes them with these flags.</summary>
    public static byte[] Encode(JsonObject body, PhpJsonFlags wire)
    {
        using var wireDocument = JsonDocument.Parse(body.ToJsonString());
        return PhpJson.Encode(wireDocument.RootElement, wire);
    }
}

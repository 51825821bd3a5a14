using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.PluginApi.Postbacks;
using Paykassma.PluginApi;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>The values of one postback: its envelope and its single signed item.</summary>
internal sealed record PostbackDraft
{
    public const string Ingoing = "ingoing";
    public const string Outgoing = "outgoing";

    /// <summary><c>ingoing</c> (deposit) or <c>outgoing</c> (withdrawal).</summary>
    public required string Direction { get; init; }
    public required long Amount { get; init; }
    public required string CurrencyCode { get; init; }
    public required string WalletType { get; init; }
    public required string Label { get; init; }

    /// <summary>When the gateway matched the payment: <see cref="GatewayTimeZone.DateTimeFormat"/> in the account's zone.</summary>
    public required string CreatedDateTime { get; init; }

    /// <summary>When the payment arrived at the bank, as the gateway learned it.</summary>
    public required string ActivatedDateTime { get; init; }

    public required long StockpilingId { get; init; }

    /// <summary>The gateway's 12-digit id; null writes <c>"transaction_id":null</c> (a withdrawal status may come without one).</summary>
    public required string? TransactionId { get; init; }

    /// <summary>0 for a deposit, 1 for a withdrawal.</summary>
    public required int TransactionType { get; init; }

    /// <summary>Our custom_transaction_id, brought back; null for withdrawals.</summary>
    public string? PluginCustomOrderId { get; init; }

    /// <summary>
    /// As the gateway writes it: the merchant's own withdrawal_id (a string) for a withdrawal it received; a
    /// number for the control endpoint's withdrawal kind, as in the PHP-made vectors. Null for deposits.
    /// </summary>
    public JsonNode? WithdrawalId { get; init; }
    public int? WithdrawalStatus { get; init; }

    /// <summary>The withdrawal's bank fields, echoed; null writes the empty pair of the gateway's deposit example.</summary>
    public IReadOnlyDictionary<string, string>? BankDetails { get; init; }
    public string Comment { get; init; } = "";
    public string AccountNumber { get; init; } = "";
    public string AccountName { get; init; } = "";
    public string AccountEmail { get; init; } = "";
}

/// <summary>
/// Builds a postback body in the gateway's current format and signs it as the gateway does. The body is a
/// <see cref="JsonObject"/> until it is encoded, so the tampering kinds can change a signed postback the
/// way an attacker would: after signing, keeping every key where it was.
/// </summary>
internal static class GatewayPostback
{
    public static JsonObject Create(PostbackDraft draft, string accessKey) => new()
    {
        // Filled in by Sign; created here so that it stays the first key, as in the gateway's example.
        ["signature"] = "",
        ["wallet_type"] = draft.WalletType,
        ["amount"] = draft.Amount,
        ["currency_code"] = draft.CurrencyCode,
        ["label"] = draft.Label,
        ["direction"] = draft.Direction,
        ["created_datetime"] = draft.CreatedDateTime,
        ["access_key"] = accessKey,
        ["additional_data"] = new JsonArray(Item(draft)),
    };

    /// <summary>
    /// The signed item. The item's amount is a string although the envelope's is a number: that is how the
    /// gateway writes them, and a receiver has to read both.
    /// </summary>
    public static JsonObject Item(PostbackDraft draft) => new()
    {
        ["activated_datetime"] = draft.ActivatedDateTime,
        ["exchanger_identifier"] = null,
        ["comment"] = draft.Comment,
        ["amount"] = draft.Amount.ToString(CultureInfo.InvariantCulture),
        ["currency_code"] = draft.CurrencyCode,
        ["wallet_type"] = draft.WalletType,
        ["stockpiling_id"] = draft.StockpilingId,
        ["transaction_id"] = draft.TransactionId,
        ["transaction_type"] = draft.TransactionType,
        ["plugin_custom_order_id"] = draft.PluginCustomOrderId,
        // A copy: a node belongs to one parent, and a draft may be built more than once.
        ["withdrawal_id"] = draft.WithdrawalId?.DeepClone(),
        ["withdrawal_status"] = draft.WithdrawalStatus,
        ["account_number"] = draft.AccountNumber,
        ["account_name"] = draft.AccountName,
        ["account_email"] = draft.AccountEmail,
        ["bank_details"] = BankDetails(draft.BankDetails),
    };

    private static JsonObject BankDetails(IReadOnlyDictionary<string, string>? details)
    {
        if (details is null)
        {
            return new JsonObject { ["bank_code"] = "", ["branch_code"] = "" };
        }

        var written = new JsonObject();
        foreach (var (key, value) in details)
        {
            written[key] = value;
        }

        return written;
    }

    /// <summary>Signs <c>additional_data</c> as it is now; nothing else in the body is covered.</summary>
    public static string Sign(JsonObject body, string accessKey, string privateKey)
    {
        var signature = PostbackSignature.Compute(accessKey, privateKey, SignedJson(body));
        body["signature"] = signature;
        return signature;
    }

    /// <summary>PHP's <c>json_encode(additional_data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)</c>.</summary>
    public static byte[] SignedJson(JsonObject body) =>
        PhpJson.Encode(ToElement(body["additional_data"]), PhpJsonFlags.Signing);

    /// <summary>The bytes the gateway's HTTP client would send, in the chosen encoding.</summary>
    public static byte[] Encode(JsonObject body, PostbackWireEncoding encoding) =>
        PhpJson.Encode(ToElement(body), encoding.ToFlags());

    // System.Text.Json escapes some characters its own way; PhpJson reads values, not escapes, so the
    // round trip through an element yields PHP's bytes whatever the writer chose.
    private static JsonElement ToElement(JsonNode? node) => JsonSerializer.SerializeToElement(node);
}

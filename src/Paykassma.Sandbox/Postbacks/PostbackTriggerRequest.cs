using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// Body of <c>POST /sandbox/postbacks</c>. Unknown fields are refused rather than ignored: a typo such as
/// <c>topLevelAmmount</c> would otherwise send a postback that tests something else than intended.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PostbackTriggerRequest
{
    public string? Kind { get; init; }

    /// <summary>custom_transaction_id of a received proof to take the defaults from.</summary>
    public string? Proof { get; init; }
    public string? CustomTransactionId { get; init; }
    public long? Amount { get; init; }
    public string? Label { get; init; }
    public string? TransactionId { get; init; }
    public string? Encoding { get; init; }
    public string? ActivatedAt { get; init; }
    public string? Comment { get; init; }
    public long? Of { get; init; }
    public int? Count { get; init; }
    public long? TopLevelAmount { get; init; }
    public string? TopLevelLabel { get; init; }
    public long? TamperedAmount { get; init; }
    public long? WithdrawalId { get; init; }
    public int? WithdrawalStatus { get; init; }
    public string? AccountNumber { get; init; }

    /// <summary>What each field must be, for the 400 that a value of the wrong JSON type gets.</summary>
    public static readonly IReadOnlyDictionary<string, string> Expected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["kind"] = "a string: one of " + PostbackTriggers.KindNames,
        ["proof"] = "a string (the custom_transaction_id of a received proof)",
        ["customTransactionId"] = "a string",
        ["amount"] = "a whole number",
        ["label"] = "a string",
        ["transactionId"] = "a string of 12 digits",
        ["encoding"] = "a string: one of " + PostbackWireEncodings.Names,
        ["activatedAt"] = "a string",
        ["comment"] = "a string",
        ["of"] = "a whole number (a postback id)",
        ["count"] = "a whole number",
        ["topLevelAmount"] = "a whole number",
        ["topLevelLabel"] = "a string",
        ["tamperedAmount"] = "a whole number",
        ["withdrawalId"] = "a whole number",
        ["withdrawalStatus"] = "a whole number",
        ["accountNumber"] = "a string",
    };

    /// <summary>The text fields given, which end up in the postback.</summary>
    public IEnumerable<(string Name, string Value)> TextFields()
    {
        (string Name, string? Value)[] fields =
        [
            ("proof", Proof), ("customTransactionId", CustomTransactionId), ("label", Label), ("comment", Comment),
            ("topLevelLabel", TopLevelLabel), ("accountNumber", AccountNumber),
        ];
        return fields.Where(field => field.Value is not null).Select(field => (field.Name, field.Value!));
    }

    /// <summary>The names of the fields given (not null), to refuse those that do not apply to the kind.</summary>
    public IEnumerable<string> FieldsGiven()
    {
        (string Name, object? Value)[] fields =
        [
            ("proof", Proof), ("customTransactionId", CustomTransactionId), ("amount", Amount), ("label", Label),
            ("transactionId", TransactionId), ("encoding", Encoding), ("activatedAt", ActivatedAt), ("comment", Comment),
            ("of", Of), ("count", Count), ("topLevelAmount", TopLevelAmount), ("topLevelLabel", TopLevelLabel),
            ("tamperedAmount", TamperedAmount), ("withdrawalId", WithdrawalId), ("withdrawalStatus", WithdrawalStatus),
            ("accountNumber", AccountNumber),
        ];
        return fields.Where(field => field.Value is not null).Select(field => field.Name);
    }
}

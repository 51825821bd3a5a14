using System.Text.Json;
using Paykassma.PluginApi.Client;

namespace Paykassma.PluginApi.Withdrawals;

/// <summary>
/// A payout as the gateway's <c>/v2/withdrawal/create</c> takes it. The payment system, currency
/// and test flag come from the caller's settings; the signature is added by the client.
/// </summary>
/// <param name="WithdrawalId">Ours (1–36 characters), the same for every attempt of one payout.</param>
/// <param name="PaymentSystem">The payout method, e.g. <c>sinpemovil</c>.</param>
/// <param name="Amount">Whole units of <paramref name="CurrencyCode"/>.</param>
/// <param name="Label">The user's id (1–36 characters on this endpoint).</param>
/// <param name="AccountNumber">Digits only.</param>
/// <param name="BankDetails">Method-specific fields (flat strings), omitted when null.</param>
public sealed record WithdrawalRequest(
    string WithdrawalId,
    string PaymentSystem,
    int Amount,
    string CurrencyCode,
    bool IsTest,
    string Label,
    string AccountNumber,
    string AccountName,
    IReadOnlyDictionary<string, string>? BankDetails)
{
    /// <summary>The request's fields by their wire names, signature excluded, as they are signed and sent.</summary>
    public IReadOnlyDictionary<string, object?> Fields()
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["withdrawal_id"] = WithdrawalId,
            ["payment_system"] = PaymentSystem,
            ["amount"] = Amount,
            ["currency_code"] = CurrencyCode,
            ["is_test"] = IsTest,
            ["label"] = Label,
            ["account_number"] = AccountNumber,
            ["account_name"] = AccountName,
        };
        if (BankDetails is not null)
        {
            fields["bank_details"] = BankDetails;
        }
        return fields;
    }

    /// <summary>The JSON body: every field and the signature, with a known length (never chunked).</summary>
    internal byte[] ToJson(string signature)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in Fields())
            {
                json.WritePropertyName(name);
                switch (value)
                {
                    case string text: json.WriteStringValue(text); break;
                    case int number: json.WriteNumberValue(number); break;
                    case bool flag: json.WriteBooleanValue(flag); break;
                    case IReadOnlyDictionary<string, string> details:
                        json.WriteStartObject();
                        foreach (var (key, detail) in details)
                        {
                            json.WriteString(key, detail);
                        }
                        json.WriteEndObject();
                        break;
                }
            }
            json.WriteString("signature", signature);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

/// <summary>The gateway's answer to a withdrawal request.</summary>
/// <param name="Outcome">Accepted (<c>ok</c>), refused with a message, or failed (no usable answer).</param>
/// <param name="Message">The refusal, readable: a message object such as <c>{"withdrawals_sum_amount":["Insufficient balance"]}</c> becomes <c>withdrawals_sum_amount: Insufficient balance</c>.</param>
/// <param name="Failure">Why it failed, when it did.</param>
/// <param name="OutcomeUncertain">Some attempt may have reached the gateway without our seeing its answer.</param>
public sealed record WithdrawalAnswer(
    GatewayOutcome Outcome,
    string? Message,
    GatewayFailureKind? Failure,
    bool OutcomeUncertain);

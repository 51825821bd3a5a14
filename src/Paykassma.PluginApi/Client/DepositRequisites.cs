using System.Text.Json;

namespace Paykassma.PluginApi.Client;

/// <summary>
/// Where the user sends the bank transfer. The gateway names its <c>params</c> keys for humans
/// ("Wallet number", "Account name") and differently per method, so the two we know are mapped
/// and every other key is kept verbatim rather than dropped.
/// </summary>
public sealed record DepositRequisites(
    string? WalletNumber,
    string? AccountName,
    bool? IsCheckAmount,
    IReadOnlyDictionary<string, JsonElement> OtherParams)
{
    internal const string WalletNumberKey = "Wallet number";
    internal const string AccountNameKey = "Account name";
    internal const string IsCheckAmountKey = "is_check_amount";

    /// <summary>Maps the gateway's <c>params</c> object; null when it is not an object.</summary>
    public static DepositRequisites? FromParams(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? walletNumber = null, accountName = null;
        bool? isCheckAmount = null;
        var other = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in parameters.EnumerateObject())
        {
            switch (property.Name)
            {
                case WalletNumberKey:
                    walletNumber = ScalarText(property.Value);
                    break;
                case AccountNameKey:
                    accountName = ScalarText(property.Value);
                    break;
                case IsCheckAmountKey when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    isCheckAmount = property.Value.GetBoolean();
                    break;
                case IsCheckAmountKey:
                    break;
                default:
                    // Clone: the element must outlive the JsonDocument of the response.
                    other[property.Name] = property.Value.Clone();
                    break;
            }
        }

        return new DepositRequisites(walletNumber, accountName, isCheckAmount, other);
    }

    /// <summary>Strings as they are, numbers as their text (an account number may come as either).</summary>
    private static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };
}

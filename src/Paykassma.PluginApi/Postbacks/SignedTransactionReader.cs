using System.Text.Json;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>Maps one signed list item to a <see cref="SignedTransaction"/>, for both postback formats.</summary>
internal static class SignedTransactionReader
{
    /// <param name="item">A value whose strings have already been validated by re-encoding it.</param>
    /// <param name="itemJson">The item's signed encoding.</param>
    public static SignedTransaction Read(JsonElement item, ReadOnlyMemory<byte> itemJson)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            // Signed, so kept as it is; there is nothing in it to read.
            return new SignedTransaction { IsObject = false, Json = itemJson };
        }

        string? transactionId = null;
        string? amount = null;
        string? currencyCode = null;
        string? walletType = null;
        string? pluginCustomOrderId = null;
        string? legacyCustomId = null;
        string? activatedDateTime = null;
        string? createdDateTime = null;
        string? withdrawalId = null;
        string? accountNumber = null;
        int? transactionType = null;
        int? withdrawalStatus = null;

        foreach (var property in item.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("transaction_id"u8)) transactionId = Text(value);
            else if (property.NameEquals("amount"u8)) amount = Text(value);
            else if (property.NameEquals("currency_code"u8)) currencyCode = Text(value);
            else if (property.NameEquals("wallet_type"u8)) walletType = Text(value);
            else if (property.NameEquals("plugin_custom_order_id"u8)) pluginCustomOrderId = Text(value);
            else if (property.NameEquals("custom_id"u8)) legacyCustomId = Text(value);
            else if (property.NameEquals("activated_datetime"u8)) activatedDateTime = Text(value);
            else if (property.NameEquals("created_datetime"u8)) createdDateTime = Text(value);
            else if (property.NameEquals("withdrawal_id"u8)) withdrawalId = Text(value);
            else if (property.NameEquals("account_number"u8)) accountNumber = Text(value);
            else if (property.NameEquals("transaction_type"u8)) transactionType = JsonScalar.GetInt32(value, Text(value));
            else if (property.NameEquals("withdrawal_status"u8)) withdrawalStatus = JsonScalar.GetInt32(value, Text(value));
        }

        return new SignedTransaction
        {
            IsObject = true,
            // An empty id identifies nothing: the item is then known by its signed bytes alone.
            TransactionId = string.IsNullOrEmpty(transactionId) ? null : transactionId,
            AmountText = amount,
            Amount = JsonScalar.ParseDecimal(amount),
            CurrencyCode = currencyCode,
            WalletType = walletType,
            CustomOrderId = pluginCustomOrderId ?? legacyCustomId,
            ActivatedDateTime = activatedDateTime,
            CreatedDateTime = createdDateTime,
            TransactionType = transactionType,
            WithdrawalId = withdrawalId,
            WithdrawalStatus = withdrawalStatus,
            AccountNumber = accountNumber,
            Json = itemJson,
        };
    }

    // The item was re-encoded before it is read, which fails on any undecodable string, so this cannot lose data.
    private static string? Text(JsonElement value) => JsonScalar.TryGetText(value, out var text) ? text : null;
}

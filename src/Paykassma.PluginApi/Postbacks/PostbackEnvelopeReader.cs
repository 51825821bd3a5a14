using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>Collects a postback's top-level fields in one pass over the body's object.</summary>
internal sealed class PostbackEnvelopeReader
{
    private string? _signature;
    private string? _accessKey;
    private string? _direction;
    private string? _amount;
    private string? _currencyCode;
    private string? _label;
    private string? _walletType;
    private string? _createdDateTime;
    private string? _stockpiling;
    private string? _stockpilingId;
    private JsonElement? _convertedAmount;

    public string? Signature => _signature;

    public string? AccessKey => _accessKey;

    public JsonElement? AdditionalData { get; private set; }

    public JsonElement? Transactions { get; private set; }

    /// <returns>False when a field we read holds a string that cannot be decoded.</returns>
    public bool TryRead(JsonProperty property)
    {
        var value = property.Value;
        if (property.NameEquals("additional_data"u8))
        {
            AdditionalData = value;
            return true;
        }

        if (property.NameEquals("transactions"u8))
        {
            Transactions = value;
            return true;
        }

        if (property.NameEquals("converted_amount"u8))
        {
            _convertedAmount = value;
            return true;
        }

        if (property.NameEquals("signature"u8)) return JsonScalar.TryGetTextOrRawJson(value, out _signature);
        if (property.NameEquals("access_key"u8)) return JsonScalar.TryGetTextOrRawJson(value, out _accessKey);
        if (property.NameEquals("direction"u8)) return JsonScalar.TryGetText(value, out _direction);
        if (property.NameEquals("amount"u8)) return JsonScalar.TryGetText(value, out _amount);
        if (property.NameEquals("currency_code"u8)) return JsonScalar.TryGetText(value, out _currencyCode);
        if (property.NameEquals("label"u8)) return JsonScalar.TryGetText(value, out _label);
        if (property.NameEquals("wallet_type"u8)) return JsonScalar.TryGetText(value, out _walletType);
        if (property.NameEquals("created_datetime"u8)) return JsonScalar.TryGetText(value, out _createdDateTime);
        if (property.NameEquals("stockpiling"u8)) return JsonScalar.TryGetText(value, out _stockpiling);
        if (property.NameEquals("stockpiling_id"u8)) return JsonScalar.TryGetText(value, out _stockpilingId);
        return true;
    }

    public bool TryGetConvertedAmountJson(out string? json)
    {
        json = null;
        if (_convertedAmount is not { } value)
        {
            return true;
        }

        var output = new ArrayBufferWriter<byte>();
        if (!PhpJson.TryWrite(value, output, PhpJsonFlags.Signing, out _))
        {
            return false;
        }

        json = Encoding.UTF8.GetString(output.WrittenSpan);
        return true;
    }

    public UnsignedPostbackEnvelope ToUnsignedEnvelope(string? convertedAmountJson) => new()
    {
        Direction = _direction,
        AmountText = _amount,
        CurrencyCode = _currencyCode,
        Label = _label,
        WalletType = _walletType,
        CreatedDateTime = _createdDateTime,
        ConvertedAmountJson = convertedAmountJson,
        Stockpiling = _stockpiling,
        StockpilingId = _stockpilingId,
    };
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.Sandbox.Postbacks;

namespace Paykassma.Sandbox.Tests.Postbacks;

/// <summary>
/// The sandbox's postbacks are byte for byte what PHP's own json_encode produced and signed for the same
/// values: the guard against the sandbox and the merchant sharing one wrong idea of PHP's encoding.
/// </summary>
public sealed class PhpVectorTests
{
    private static readonly JsonElement Cases = LoadCases();

    public static TheoryData<string> VectorNames =>
    [
        .. from name in new[] { "seed-example", "unicode-and-slashes", "control-characters", "withdrawal" }
           from encoding in new[] { "php_default", "unescaped", "pretty" }
           select $"{name}/{encoding}",
    ];

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Built_postback_equals_the_php_encoded_and_signed_one(string name)
    {
        var vector = Cases.EnumerateArray().Single(candidate => candidate.GetProperty("name").GetString() == name);
        var expectedBody = vector.GetProperty("body").GetString()!;
        using var document = JsonDocument.Parse(expectedBody);
        var accessKey = vector.GetProperty("access_key").GetString()!;
        var encoding = name.Split('/')[1] switch
        {
            "php_default" => PostbackWireEncoding.PhpDefault,
            "unescaped" => PostbackWireEncoding.Unescaped,
            _ => PostbackWireEncoding.Pretty,
        };

        var body = GatewayPostback.Create(DraftOf(document.RootElement), accessKey);
        var signature = GatewayPostback.Sign(body, accessKey, vector.GetProperty("private_key").GetString()!);

        Assert.Equal(vector.GetProperty("signed_json").GetString(), Encoding.UTF8.GetString(GatewayPostback.SignedJson(body)));
        Assert.Equal(document.RootElement.GetProperty("signature").GetString(), signature);
        Assert.Equal(expectedBody, Encoding.UTF8.GetString(GatewayPostback.Encode(body, encoding)));
    }

    /// <summary>The values of a PHP-made body, as the sandbox would have been given them.</summary>
    private static PostbackDraft DraftOf(JsonElement body)
    {
        var item = body.GetProperty("additional_data")[0];
        return new PostbackDraft
        {
            Direction = body.GetProperty("direction").GetString()!,
            Amount = body.GetProperty("amount").GetInt64(),
            CurrencyCode = body.GetProperty("currency_code").GetString()!,
            WalletType = body.GetProperty("wallet_type").GetString()!,
            Label = body.GetProperty("label").GetString()!,
            CreatedDateTime = body.GetProperty("created_datetime").GetString()!,
            ActivatedDateTime = item.GetProperty("activated_datetime").GetString()!,
            StockpilingId = item.GetProperty("stockpiling_id").GetInt64(),
            TransactionId = item.GetProperty("transaction_id").GetString()!,
            TransactionType = item.GetProperty("transaction_type").GetInt32(),
            PluginCustomOrderId = item.GetProperty("plugin_custom_order_id").GetString(),
            WithdrawalId = item.GetProperty("withdrawal_id") is { ValueKind: JsonValueKind.Number } id ? JsonValue.Create(id.GetInt64()) : null,
            WithdrawalStatus = item.GetProperty("withdrawal_status") is { ValueKind: JsonValueKind.Number } status ? status.GetInt32() : null,
            Comment = item.GetProperty("comment").GetString()!,
            AccountNumber = item.GetProperty("account_number").GetString()!,
            AccountName = item.GetProperty("account_name").GetString()!,
            AccountEmail = item.GetProperty("account_email").GetString()!,
        } is var draft && long.Parse(item.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture) == draft.Amount
            ? draft
            : throw new InvalidOperationException("The vector's signed amount differs from its top-level one.");
    }

    private static JsonElement LoadCases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "postback-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("cases").Clone();
    }
}

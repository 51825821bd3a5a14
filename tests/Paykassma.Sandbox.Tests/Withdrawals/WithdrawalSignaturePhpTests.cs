using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.PluginApi.Withdrawals;
using Paykassma.Sandbox.Withdrawals;
using Paykassma.Tests.Shared;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>
/// The sandbox's withdrawal signature against real PHP (sign-withdrawal.php): the joined string and the
/// signature must be PHP's, and a request PHP signed must be accepted over HTTP, with no secret.
/// </summary>
public sealed class WithdrawalSignaturePhpTests
{
    private const string PhpKey = "php-withdrawal-key/Ω";

    /// <summary>Requests as a merchant sends them (signature left out; PHP adds it).</summary>
    private static readonly Dictionary<string, string> Vectors = new()
    {
        ["bank details, is_test true, non-ASCII label"] =
            """{"withdrawal_id":"51_2788","payment_system":"sinpemovil","amount":1020,"currency_code":"BTN","is_test":true,"label":"dorji/ཚེ་རིང་ 🇧🇹","account_number":"9440377924","account_name":"Dorji Wangmo","bank_details":{"bank_code":"BNB","branch_code":"01"}}""",
        ["is_test false, no bank details, an extra comment"] =
            """{"withdrawal_id":"a1b2c3d4-0000-4000-8000-000000000001","payment_system":"sinpemovil","amount":7,"currency_code":"BTN","is_test":false,"label":"17","account_number":"0012","account_name":"Tashi  Delek","comment":"withdrawal"}""",
        ["empty bank details and extra fields of every JSON type"] =
            """{"withdrawal_id":"w:3","payment_system":"sinpemovil","amount":9223372036854775807,"currency_code":"BTN","is_test":true,"label":"u","account_number":"1","account_name":"A","bank_details":{},"note":null,"rate":0.1,"whole":100.0,"big":12345678901234567890,"tiny":1.5e-7,"huge":1e25,"flag":false,"nested":{"a":[1,2]},"list":[],"Zed":"upper case sorts first"}""",
    };

    public static TheoryData<string> VectorNames => new(Vectors.Keys);

    [PhpTheory]
    [MemberData(nameof(VectorNames))]
    public async Task Joined_values_and_signature_equal_php_and_the_request_is_accepted(string name)
    {
        var json = Vectors[name];
        var php = await SignWithPhpAsync(json);
        using var request = JsonDocument.Parse(json);

        var joined = GatewayWithdrawalSignature.JoinedValues(request.RootElement);

        Assert.Equal(php.Joined, joined);
        Assert.Equal(php.Signature, GatewayWithdrawalSignature.Compute(joined, PhpKey));

        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(
            ("Sandbox:WithdrawalPrivateKey", PhpKey), ("Sandbox:WithdrawalBalance", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var body = JsonNode.Parse(json)!.AsObject();
        body["signature"] = php.Signature;
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await sandbox.Http.PostAsync(WithdrawalRequest.Path, content);
        await WithdrawalAssert.OkAsync(response);
        Assert.NotNull(await sandbox.FindWithdrawalAsync(body["withdrawal_id"]!.GetValue<string>()));
    }

    [PhpTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_php_signature_made_with_another_key_or_other_values_is_refused(bool otherKey)
    {
        var json = """{"withdrawal_id":"x-1","payment_system":"sinpemovil","amount":50,"currency_code":"BTN","is_test":false,"label":"u","account_number":"1","account_name":"A"}""";
        var php = await SignWithPhpAsync(otherKey ? json : json.Replace("\"amount\":50", "\"amount\":51", StringComparison.Ordinal), otherKey ? "not-the-key" : PhpKey);
        await using var sandbox = await TestSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(("Sandbox:WithdrawalPrivateKey", PhpKey)));
        var body = JsonNode.Parse(json)!.AsObject();
        body["signature"] = php.Signature;

        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await sandbox.Http.PostAsync(WithdrawalRequest.Path, content);

        Assert.Equal("Withdrawal signature is invalid", await GatewayAssert.FailAsync(response));
        Assert.Empty(await sandbox.ListWithdrawalsAsync());
    }

    [Fact]
    public void Joined_values_of_the_gateways_logged_example_match_it()
    {
        using var request = JsonDocument.Parse("""
            {"withdrawal_id":"51_2788","payment_system":"paytm","amount":1020,"currency_code":"INR","is_test":true,
             "label":"17","account_number":"9440377924","comment":"withdrawal","signature":"ignored"}
            """);

        Assert.Equal("9440377924:1020:withdrawal:INR:1:17:paytm:51_2788", GatewayWithdrawalSignature.JoinedValues(request.RootElement));
    }

    /// <summary>
    /// Where both are defined (scalar fields), the merchant's signer and the sandbox's agree: a merchant using
    /// PluginApi is accepted here. They are still two pieces of code, so a shared mistake is caught by PHP above.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_clients_signer_agrees_with_the_sandbox_on_scalar_fields(bool isTest)
    {
        var fields = new Dictionary<string, object?>
        {
            ["withdrawal_id"] = "51_2788", ["payment_system"] = "sinpemovil", ["amount"] = 1020L, ["currency_code"] = "BTN",
            ["is_test"] = isTest, ["label"] = "17", ["account_number"] = "9440377924", ["account_name"] = "Dorji Wangmo",
        };
        var element = JsonSerializer.SerializeToElement(fields);

        Assert.Equal(WithdrawalSignature.JoinedValues(fields), GatewayWithdrawalSignature.JoinedValues(element));
        Assert.Equal(
            WithdrawalSignature.Compute(fields, WithdrawalRequest.Key),
            GatewayWithdrawalSignature.Compute(GatewayWithdrawalSignature.JoinedValues(element), WithdrawalRequest.Key));
    }

    private sealed record PhpSignature(string Joined, string Signature);

    private static async Task<PhpSignature> SignWithPhpAsync(string json, string key = PhpKey)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Withdrawals", "sign-withdrawal.php");
        var output = await PhpCli.RunScriptAsync(script, key, json);
        using var document = JsonDocument.Parse(output);
        return new(document.RootElement.GetProperty("joined").GetString()!, document.RootElement.GetProperty("signature").GetString()!);
    }
}

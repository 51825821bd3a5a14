using System.Security.Cryptography;
using System.Text;
using Paykassma.PluginApi.Withdrawals;
using Paykassma.Tests.Shared;

namespace Paykassma.PluginApi.Tests.Withdrawals;

/// <summary>The inferred payout signature, on the joined-string example of docs/gateway-protocol.md.</summary>
public sealed class WithdrawalSignatureTests
{
    // A request as the integration's log shows it, fields in no particular order.
    private static readonly Dictionary<string, object?> Example = new()
    {
        ["withdrawal_id"] = "51_2788",
        ["payment_system"] = "paytm",
        ["label"] = "17",
        ["is_test"] = true,
        ["currency_code"] = "INR",
        ["comment"] = "withdrawal",
        ["amount"] = 1020,
        ["account_number"] = "9440377924",
    };

    [Fact]
    public void The_values_are_joined_by_field_name_with_true_written_as_one()
    {
        Assert.Equal("9440377924:1020:withdrawal:INR:1:17:paytm:51_2788", WithdrawalSignature.JoinedValues(Example));
    }

    [Fact]
    public void False_is_the_empty_string_and_the_signature_field_itself_is_left_out()
    {
        var fields = new Dictionary<string, object?>(Example) { ["is_test"] = false, ["signature"] = "anything" };

        Assert.Equal("9440377924:1020:withdrawal:INR::17:paytm:51_2788", WithdrawalSignature.JoinedValues(fields));
    }

    [Fact]
    public void The_signature_is_sha1_of_the_key_and_the_md5_of_the_joined_values()
    {
        const string key = "pk_withdraw_test";
        var md5 = Convert.ToHexStringLower(MD5.HashData("9440377924:1020:withdrawal:INR:1:17:paytm:51_2788"u8));
        var expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(key + md5)));

        var signature = WithdrawalSignature.Compute(Example, key);

        Assert.Equal(expected, signature);
        Assert.Matches("^[0-9a-f]{40}$", signature);
        Assert.NotEqual(signature, WithdrawalSignature.Compute(new Dictionary<string, object?>(Example) { ["amount"] = 1021 }, key));
    }

    [Fact]
    public void A_nested_object_is_written_as_php_writes_an_array_in_a_string()
    {
        var fields = new Dictionary<string, object?>(Example) { ["bank_details"] = new Dictionary<string, string> { ["bank_code"] = "X" } };

        Assert.Equal("9440377924:1020:Array:withdrawal:INR:1:17:paytm:51_2788", WithdrawalSignature.JoinedValues(fields));
    }

    [Fact]
    public void A_value_of_a_type_no_request_has_is_refused()
    {
        var fields = new Dictionary<string, object?>(Example) { ["amount"] = 10.5 };

        var refused = Assert.Throws<ArgumentException>(() => WithdrawalSignature.JoinedValues(fields));
        Assert.Contains("amount", refused.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Requests => new()
    {
        """{"withdrawal_id":"po_1","payment_system":"sinpemovil","amount":1020,"currency_code":"BTN","is_test":true,"label":"user-17","account_number":"9440377924","account_name":"Dorji Wangmo"}""",
        """{"withdrawal_id":"po_2","payment_system":"sinpemovil","amount":5,"currency_code":"BTN","is_test":false,"label":"u","account_number":"0","account_name":"A"}""",
        """{"withdrawal_id":"po_3","payment_system":"sinpemovil","amount":2147483647,"currency_code":"BTN","is_test":false,"label":"Ünïcode ✓","account_number":"12345678901234567890","account_name":"Pema","bank_details":{"bank_code":"BNB","branch_code":"0042"}}""",
    };

    /// <summary>
    /// The formula as the gateway's PHP would run it (ksort, implode, md5, sha1), on requests decoded
    /// from JSON as PHP decodes them: PHP itself, not our reading of it, says what bool and nested
    /// values become.
    /// </summary>
    [PhpTheory]
    [MemberData(nameof(Requests))]
    public async Task Agrees_with_php_computing_the_formula(string json)
    {
        const string key = "pk_withdraw_test";
        var script = Path.Combine(Path.GetTempPath(), $"withdrawal-signature-{Guid.NewGuid():N}.php");
        await File.WriteAllTextAsync(script, """
            <?php
            $fields = json_decode($argv[1], true, 512, JSON_THROW_ON_ERROR);
            unset($fields['signature']);
            ksort($fields, SORT_STRING);
            // @: PHP warns "Array to string conversion" for bank_details, and writes "Array".
            echo sha1($argv[2] . md5(@implode(':', $fields)));
            """);
        try
        {
            var php = await PhpCli.RunScriptAsync(script, json, key);

            using var document = System.Text.Json.JsonDocument.Parse(json);
            Assert.Equal(php, WithdrawalSignature.Compute(AsFields(document.RootElement), key));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static Dictionary<string, object?> AsFields(System.Text.Json.JsonElement request) =>
        request.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
        {
            System.Text.Json.JsonValueKind.String => p.Value.GetString(),
            System.Text.Json.JsonValueKind.Number => (object?)p.Value.GetInt32(),
            System.Text.Json.JsonValueKind.True => true,
            System.Text.Json.JsonValueKind.False => false,
            _ => p.Value.EnumerateObject().ToDictionary(d => d.Name, d => d.Value.GetString()!),
        });
}

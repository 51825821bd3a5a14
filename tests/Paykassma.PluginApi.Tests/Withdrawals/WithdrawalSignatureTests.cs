using System.Security.Cryptography;
using System.Text;
using Paykassma.PluginApi.Withdrawals;

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
    public void A_nested_value_is_refused_rather_than_guessed()
    {
        var fields = new Dictionary<string, object?>(Example) { ["bank_details"] = new Dictionary<string, string> { ["bank_code"] = "X" } };

        var refused = Assert.Throws<ArgumentException>(() => WithdrawalSignature.JoinedValues(fields));
        Assert.Contains("bank_details", refused.Message, StringComparison.Ordinal);
    }
}

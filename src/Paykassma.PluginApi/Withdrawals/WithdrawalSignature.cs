using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paykassma.PluginApi.Withdrawals;

/// <summary>
/// The signature of a withdrawal (payout) request to <c>/v2/withdrawal/create</c>:
/// <c>sha1(private_key . md5(implode(":", the values of every other request field, ordered by field name))))</c>,
/// lowercase hex, where each value is written as PHP's string conversion writes it: <c>true</c> as <c>1</c>,
/// <c>false</c> and null as the empty string, and a nested object (<c>bank_details</c>) as <c>Array</c>.
/// </summary>
/// <remarks>
/// INFERRED, not published: the gateway's pages say only "generated with the private key". The
/// formula is read from a public integration's request log in which the gateway accepted requests
/// signed this way and refused one whose joined string missed a ':' with "Withdrawal signature is
/// invalid" (docs/gateway-protocol.md). No accepted request in that log carries a nested
/// <c>bank_details</c>; writing it as <c>Array</c> is what the formula itself does in PHP (implode
/// converts a nested array to the string "Array", with a warning), and
/// tests/Paykassma.PluginApi.Tests checks this class against PHP's own implode. Should the gateway
/// sign otherwise, the first payout with bank details is refused with
/// <see cref="InvalidSignatureMessage"/>, which ops see. Kept in this one class so that a correction
/// from the gateway is a change of one place.
/// </remarks>
public static class WithdrawalSignature
{
    /// <summary>The gateway's refusal when it disagrees with this signature: surface it to ops as it is.</summary>
    public const string InvalidSignatureMessage = "Withdrawal signature is invalid";

    /// <summary>The string whose md5 is signed: every field but <c>signature</c>, ordered by name (ordinal), joined by ':'.</summary>
    /// <exception cref="ArgumentException">A field holds a value of a type a request never has.</exception>
    public static string JoinedValues(IReadOnlyDictionary<string, object?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return string.Join(':', fields
            .Where(field => field.Key != "signature")
            .OrderBy(field => field.Key, StringComparer.Ordinal)
            .Select(field => PhpString(field.Key, field.Value)));
    }

    /// <returns>40 lowercase hex characters.</returns>
    public static string Compute(IReadOnlyDictionary<string, object?> fields, string privateKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(privateKey);
        var md5 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(JoinedValues(fields))));
        var input = Encoding.UTF8.GetBytes(privateKey + md5);
        try
        {
            return Convert.ToHexStringLower(SHA1.HashData(input));
        }
        finally
        {
            // The buffer held the private key.
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>What PHP's <c>(string)</c> cast writes for a request value.</summary>
    private static string PhpString(string name, object? value) => value switch
    {
        null => "",
        true => "1",
        false => "",
        string text => text,
        int or long or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        // PHP's (string) of an array, as implode writes a nested one.
        System.Collections.IEnumerable => "Array",
        _ => throw new ArgumentException($"The withdrawal field '{name}' has a type ({value.GetType().Name}) that no request field has.", nameof(value)),
    };
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paykassma.PluginApi.Withdrawals;

/// <summary>
/// The signature of a withdrawal (payout) request to <c>/v2/withdrawal/create</c>:
/// <c>sha1(private_key . md5(implode(":", the values of every other request field, ordered by field name))))</c>,
/// lowercase hex, where <c>true</c> is written <c>1</c> and <c>false</c> as the empty string (PHP's string cast).
/// </summary>
/// <remarks>
/// INFERRED, not published: the gateway's pages say only "generated with the private key". The
/// formula is read from a public integration's request log in which the gateway accepted requests
/// signed this way and refused one whose joined string missed a ':' with "Withdrawal signature is
/// invalid" (docs/gateway-protocol.md). How a nested <c>bank_details</c> object is flattened is not
/// shown by any accepted request: it is refused here rather than guessed. Kept in this one class so
/// that a correction from the gateway is a change of one place.
/// </remarks>
public static class WithdrawalSignature
{
    /// <summary>The gateway's refusal when it disagrees with this signature: surface it to ops as it is.</summary>
    public const string InvalidSignatureMessage = "Withdrawal signature is invalid";

    /// <summary>The string whose md5 is signed: every field but <c>signature</c>, ordered by name (ordinal), joined by ':'.</summary>
    /// <exception cref="ArgumentException">A field holds a value whose PHP string form is not known (an object, a list).</exception>
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
        _ => throw new ArgumentException($"The withdrawal field '{name}' is not a scalar; how the gateway signs it is not known.", nameof(value)),
    };
}

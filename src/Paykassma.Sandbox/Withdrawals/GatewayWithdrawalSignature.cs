using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>
/// The gateway's check of a withdrawal request's signature, as the sandbox plays it:
/// <c>sha1(private_key . md5(implode(":", the values of every request field but signature, ordered by name))))</c>,
/// lowercase hex, each value as PHP's string conversion writes it.
/// </summary>
/// <remarks>
/// Written here on its own, not taken from PluginApi's <c>WithdrawalSignature</c>: a fake that shared the
/// client's signer would accept whatever mistake the two share. The formula is inferred (see
/// docs/gateway-protocol.md, section 4), and so is <c>bank_details</c>: PHP's implode writes a nested array
/// as the literal <c>Array</c>, which is what a gateway that implodes the decoded request would sign.
/// tests/Paykassma.Sandbox.Tests/Withdrawals pins this class to signatures computed by PHP itself.
/// </remarks>
internal static class GatewayWithdrawalSignature
{
    /// <summary>The gateway's refusal, exactly: a client shows it to ops as it is.</summary>
    public const string InvalidMessage = "Withdrawal signature is invalid";

    public const string SignatureField = "signature";

    /// <summary>The string whose md5 is signed. The body must be an object without repeated keys (the caller checks).</summary>
    public static string JoinedValues(JsonElement body) => string.Join(':', body.EnumerateObject()
        .Where(field => field.Name != SignatureField)
        .OrderBy(field => field.Name, StringComparer.Ordinal)
        .Select(field => PhpString(field.Value)));

    /// <returns>40 lowercase hex characters.</returns>
    public static string Compute(string joinedValues, string privateKey)
    {
        var md5 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(joinedValues)));
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

    /// <summary>
    /// Constant time, and case-sensitive: PHP compares the hex strings as strings, so an uppercase signature
    /// the real gateway would refuse is refused here too. Without a key nothing verifies (payouts are off).
    /// </summary>
    public static bool Verify(string? sent, string joinedValues, string? privateKey)
    {
        if (string.IsNullOrEmpty(privateKey) || sent is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(joinedValues, privateKey));
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), expected);
    }

    /// <summary>What PHP's string conversion writes for a value <c>json_decode($body, true)</c> produced.</summary>
    internal static string PhpString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "1",
        JsonValueKind.False or JsonValueKind.Null => "",
        // json_decode keeps integers that fit PHP's int as ints; anything else becomes a float.
        JsonValueKind.Number when value.TryGetInt64(out var integer) => integer.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => PhpFloat(value.GetDouble()),
        // A nested array (bank_details): implode writes "Array" (with a warning nobody sees).
        _ => "Array",
    };

    /// <summary>
    /// PHP's <c>(string)</c> of a float: 14 significant digits (the <c>precision</c> setting), and the
    /// exponent form <c>1.0E+25</c> / <c>1.5E-7</c> where .NET's "G14" writes <c>1E+25</c> / <c>1.5E-07</c>.
    /// Both switch to the exponent form at the same magnitudes.
    /// </summary>
    internal static string PhpFloat(double value)
    {
        if (double.IsInfinity(value))
        {
            return value > 0 ? "INF" : "-INF";
        }

        var text = value.ToString("G14", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var mantissa = text[..e];
        var exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{mantissa}{(mantissa.Contains('.', StringComparison.Ordinal) ? "" : ".0")}E{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent)}");
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Paykassma.Sandbox.Deposits;

/// <summary>The bank requisites the sandbox hands out, shaped like the gateway's <c>params</c>.</summary>
internal static class Requisites
{
    private const ulong WalletNumberRange = 10_000_000_000;

    public static IEnumerable<KeyValuePair<string, JsonNode?>> For(string label, SandboxOptions options)
    {
        yield return new("Wallet number", WalletNumberFor(label));
        yield return new("Account name", options.AccountName);
        // Undocumented; null for bnb_ml on the real gateway, so clients must accept a null here.
        yield return new("is_check_amount", null);
        foreach (var (key, value) in options.ExtraParams)
        {
            yield return new(key, value);
        }
    }

    /// <summary>
    /// Ten digits derived from the label: the same user always sees the same account (as with the real
    /// gateway's sticky requisites), and tests can predict it without asking the sandbox.
    /// </summary>
    public static string WalletNumberFor(string label)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(label));
        var number = BinaryPrimitives.ReadUInt64BigEndian(hash) % WalletNumberRange;
        return number.ToString("D10", CultureInfo.InvariantCulture);
    }
}

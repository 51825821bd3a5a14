using System.Security.Cryptography;
using System.Text;

namespace Paykassma.Merchant.Api.Events;

/// <summary>
/// The Standard Webhooks signature (standardwebhooks.com): <c>v1,</c> + base64 of HMAC-SHA256, keyed
/// with the base64 part of a <c>whsec_</c> secret, over <c>{webhook-id}.{webhook-timestamp}.{body}</c>.
/// Checked against the spec's test vector and against the StandardWebhooks package's verifier (tests).
/// </summary>
public static class WebhookSignature
{
    private const string Prefix = "whsec_";

    public static bool IsValidSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var key = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[Prefix.Length..], key, out var length) && length is >= 24 and <= 64;
    }

    /// <returns>The <c>webhook-signature</c> header's value: <c>v1,&lt;base64&gt;</c>.</returns>
    public static string Sign(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret[Prefix.Length..]);
        try
        {
            var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
            var signed = new byte[prefix.Length + body.Length];
            prefix.CopyTo(signed, 0);
            body.CopyTo(signed.AsSpan(prefix.Length));
            return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Paykassma.Merchant.Api.Idempotency;

/// <summary>
/// What makes two requests "the same request" for one key: the SHA-256 (lowercase hex) of a canonical
/// text of the request that each feature writes (<c>create-deposit|amount=300</c>). It is stored with
/// the key (<c>request_hash</c>), so neither the texts nor the hashing may change: every stored key
/// would then look reused by another request.
/// </summary>
public static class RequestFingerprint
{
    public static string Of(string canonicalRequest) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    public static bool SameRequest(string storedFingerprint, string fingerprint) =>
        string.Equals(storedFingerprint, fingerprint, StringComparison.Ordinal);
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>HS256 tokens as the merchant's identity provider would issue them, written out by hand (a JWT is three base64url parts).</summary>
public static class DrillTokens
{
    public static string For(string label, bool ops = false, string signingKey = DrillSecrets.JwtSigningKey, string? role = null)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object>
        {
            ["sub"] = label,
            ["iss"] = DrillSecrets.JwtIssuer,
            ["aud"] = DrillSecrets.JwtAudience,
            ["nbf"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["iat"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(2).ToUnixTimeSeconds(),
        };
        if (ops || role is not null)
        {
            payload["role"] = role ?? "ops";
        }
        var signed = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }))
                     + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes(signed));
        return signed + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Paykassma.Bench;

/// <summary>An HS256 token as the merchant's identity provider would issue it (label in <c>sub</c>; a role, e.g. ops, when given).</summary>
internal static class Jwt
{
    public static string Mint(string signingKey, string issuer, string audience, string subject, TimeSpan lifetime, string? role = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" };
        var payload = new JsonObject
        {
            ["sub"] = subject,
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = now,
            ["nbf"] = now - 5,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        };
        if (role is not null)
        {
            payload["role"] = role;
        }
        var unsigned = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

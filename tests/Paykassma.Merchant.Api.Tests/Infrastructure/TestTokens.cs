using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>Tokens as the merchant's identity provider would issue them (HS256 with the test key).</summary>
public static class TestTokens
{
    public const string SigningKey = "integration-tests-signing-key-0123456789abcdef";
    public const string Issuer = "merchant-tests";
    public const string Audience = "paykassma-merchant";

    public static string For(string label, bool ops = false, string? signingKey = null, string audience = Audience,
        DateTime? expires = null, string labelClaim = "sub", params string[] roles)
    {
        var claims = new List<Claim> { new(labelClaim, label) };
        if (ops)
        {
            claims.Add(new Claim("role", "ops"));
        }
        claims.AddRange(roles.Select(role => new Claim("role", role)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = Issuer,
            Audience = audience,
            NotBefore = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}

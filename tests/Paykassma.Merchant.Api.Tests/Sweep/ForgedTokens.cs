using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>
/// JWTs written by hand, so that every part can be wrong: the algorithm, the key, the claims, the
/// encoding. All are relative to one instant, so the corpus is the same bytes for the same instant.
/// </summary>
public sealed class ForgedTokens(DateTimeOffset now, string label)
{
    /// <summary>Stands for "an hour from now" as the default expiry; null leaves exp out.</summary>
    private const string InAnHour = "in an hour";

    private static readonly byte[] RightKey = Encoding.UTF8.GetBytes(TestTokens.SigningKey);
    private static readonly byte[] WrongKey = Encoding.UTF8.GetBytes("not-the-merchant-key-but-long-enough-0123456789");

    /// <summary>Validly signed tokens for the owner, a stranger and ops staff.</summary>
    public string User => Signed(Claims(label));

    public string Stranger => Signed(Claims("sweep-stranger"));

    public string Ops => Signed(Claims("sweep-ops", role: "ops"));

    /// <summary>The merchant's back office (the payouts role), which created the sweep's payout, and another one.</summary>
    public string BackOffice => Signed(Claims(HostileCorpus.BackOfficeSubject, role: "payouts"));

    public string OtherBackOffice => Signed(Claims("sweep-other-backoffice", role: "payouts"));

    /// <summary>Ops staff whose token names nobody: payout actions are recorded by who made them (403 no-subject).</summary>
    public string OpsWithoutSubject => Signed(Claims("", role: "ops"));

    /// <summary>Tokens that must never authenticate (401): forged, stale or malformed.</summary>
    public IReadOnlyList<(string Name, string Token)> Forged(bool ops)
    {
        var role = ops ? "ops" : null;
        var claims = Claims(label, role);
        var userToken = Signed(Claims(label));
        var userParts = userToken.Split('.');
        return
        [
            ("alg none", Unsigned("""{"alg":"none","typ":"JWT"}""", claims)),
            ("alg None mixed case", Unsigned("""{"alg":"None","typ":"JWT"}""", claims)),
            ("alg none with a signature", Unsigned("""{"alg":"none","typ":"JWT"}""", claims) + "c2lnbmF0dXJl"),
            ("wrong key", Signed(claims, WrongKey)),
            ("empty key", Signed(claims, [])),
            ("HS512 with the right key", Signed(claims, RightKey, "HS512")),
            ("RS256 header over an HMAC", Signed(claims, RightKey, headerAlg: "RS256")),
            ("wrong audience", Signed(Claims(label, role, audience: "someone-else"))),
            ("audience list without ours", Signed(Claims(label, role, audienceJson: """["a","b"]"""))),
            ("wrong issuer", Signed(Claims(label, role, issuer: "evil-issuer"))),
            ("no issuer", Signed(Claims(label, role, issuer: null))),
            ("expired an hour ago", Signed(Claims(label, role, notBefore: now.AddHours(-2), expiresJson: Seconds(now.AddHours(-1))))),
            ("not before tomorrow", Signed(Claims(label, role, notBefore: now.AddDays(1), expiresJson: Seconds(now.AddDays(2))))),
            ("no expiry", Signed(Claims(label, role, expiresJson: null))),
            ("expiry as a string", Signed(Claims(label, role, expiresJson: "\"tomorrow\""))),
            ("expiry far beyond year 9999", Signed(Claims(label, role, expiresJson: "99999999999999999999"))),
            ("role ops added to a user token, old signature", userParts[0] + "." + Base64Url(Encoding.UTF8.GetBytes(Claims(label, "ops"))) + "." + userParts[2]),
            ("signature stripped", userParts[0] + "." + userParts[1] + "."),
            ("signature of another token", userParts[0] + "." + Base64Url(Encoding.UTF8.GetBytes(Claims("sweep-other", role))) + "." + userParts[2]),
            ("two segments", userParts[0] + "." + userParts[1]),
            ("five segments (JWE shape)", userToken + ".e30.e30"),
            ("garbage", "garbage"),
            ("dots only", "...."),
            ("base64 of nothing", "e30.e30.e30"),
            ("header not JSON", Base64Url("not json"u8.ToArray()) + "." + userParts[1] + "." + userParts[2]),
            ("header a JSON array", Base64Url("[]"u8.ToArray()) + "." + userParts[1] + "." + userParts[2]),
            ("payload not JSON", userParts[0] + "." + Base64Url("\u0000\u00ff"u8.ToArray()) + "." + userParts[2]),
            ("padding and plus signs", userToken.Replace('-', '+').Replace('_', '/') + "=="),
            ("20 KB of base64", new string('A', 20 * 1024)),
            ("kid path traversal, wrong key", SignedWithHeader("""{"alg":"HS256","typ":"JWT","kid":"../../../../dev/null"}""", claims, WrongKey)),
            ("jku pointing elsewhere", SignedWithHeader("""{"alg":"HS256","typ":"JWT","jku":"http://127.0.0.1:1/keys"}""", claims, WrongKey)),
        ];
    }

    /// <summary>Validly signed tokens whose label claim is odd: the policy or the handler must cope (4xx or a normal answer).</summary>
    public IReadOnlyList<(string Name, string Token)> OddLabels() =>
    [
        ("10 KB label", Signed(Claims(new string('x', 10 * 1024)))),
        ("empty label", Signed(Claims(""))),
        ("whitespace label", Signed(Claims(" \t "))),
        ("NUL in the label", Signed(Claims("sweep\u0000user"))),
        ("lone surrogate label", Signed(ClaimsRaw("\"sweep\\ud800user\""))),
        ("control characters label", Signed(Claims("sweep\u0001\u001b[31m\u007f"))),
        ("right-to-left and zero-width label", Signed(Claims("\u202Eresu\u200B\uFEFF"))),
        ("label as a number", Signed(ClaimsRaw("12345"))),
        ("label as an object", Signed(ClaimsRaw("""{"label":"x"}"""))),
        ("label as a list", Signed(ClaimsRaw("""["a","b"]"""))),
        ("label of 191 characters", Signed(Claims(new string('y', 191)))),
    ];

    private string Claims(string subject, string? role = null, string audience = TestTokens.Audience, string? audienceJson = null,
        string? issuer = TestTokens.Issuer, DateTimeOffset? notBefore = null, string? expiresJson = InAnHour) =>
        ClaimsRaw(JsonSerializer.Serialize(subject), role, audience, audienceJson, issuer, notBefore, expiresJson);

    private string ClaimsRaw(string subjectJson, string? role = null, string audience = TestTokens.Audience, string? audienceJson = null,
        string? issuer = TestTokens.Issuer, DateTimeOffset? notBefore = null, string? expiresJson = InAnHour)
    {
        var members = new List<string> { $"\"sub\":{subjectJson}" };
        if (role is not null)
        {
            members.Add($"\"role\":{JsonSerializer.Serialize(role)}");
        }
        if (issuer is not null)
        {
            members.Add($"\"iss\":{JsonSerializer.Serialize(issuer)}");
        }
        members.Add($"\"aud\":{audienceJson ?? JsonSerializer.Serialize(audience)}");
        members.Add($"\"nbf\":{Seconds(notBefore ?? now.AddHours(-1))}");
        members.Add($"\"iat\":{Seconds(now.AddMinutes(-1))}");
        if (expiresJson is not null)
        {
            members.Add($"\"exp\":{(expiresJson == InAnHour ? Seconds(now.AddHours(1)) : expiresJson)}");
        }
        return "{" + string.Join(',', members) + "}";
    }

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Signed(string claims, byte[]? key = null, string alg = "HS256", string? headerAlg = null) =>
        SignedWithHeader($$"""{"alg":"{{headerAlg ?? alg}}","typ":"JWT"}""", claims, key ?? RightKey, alg);

    private static string SignedWithHeader(string header, string claims, byte[] key, string alg = "HS256")
    {
        var input = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(claims));
        var data = Encoding.ASCII.GetBytes(input);
        var signature = alg == "HS512" ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);
        return input + "." + Base64Url(signature);
    }

    private static string Unsigned(string header, string claims) =>
        Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(claims)) + ".";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Net;
using System.Text.Json;
using Paykassma.Tests.Shared;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>
/// The secrets every drill configures. Each has a distinctive alphanumeric core that survives any
/// encoding a log might apply (URL escaping, JSON escaping), followed by characters that do change
/// under those encodings, as real base64 secrets do; <see cref="FormsOf"/> lists what to look for.
/// </summary>
public static class DrillSecrets
{
    public const string PluginSecret = "Kq7PLUGINSECRETz3/+&=%x";
    public const string PostbackPrivateKey = "Pk9PRIVATEKEYw4/+=x";
    public const string JwtSigningKey = "Jw5JWTSIGNINGKEYm8/+=0123456789abcdefghij";
    public const string DatabasePassword = "Db3DBPASSWORDv6/+=@!x";
    public const string WithdrawalPrivateKey = "Wd2WITHDRAWALKEYq5/+=x";

    /// <summary>Public by design (it is written into every postback), so not looked for in logs.</summary>
    public const string PostbackAccessKey = "drill-access-key";

    public const string JwtIssuer = "paykassma-drills";
    public const string JwtAudience = "paykassma-merchant";

    /// <summary>These secrets as the kit's service settings take them (tests/Shared/ServiceSettings.cs).</summary>
    public static ServiceSecrets Service { get; } =
        new(PluginSecret, PostbackAccessKey, PostbackPrivateKey, JwtSigningKey, JwtIssuer, JwtAudience, WithdrawalPrivateKey);

    public static IReadOnlyList<(string Name, string Value)> All =>
    [
        ("Paykassma:PluginApiSecret", PluginSecret),
        ("Paykassma:PostbackPrivateKey", PostbackPrivateKey),
        ("Paykassma:WithdrawalPrivateKey", WithdrawalPrivateKey),
        ("Auth:Jwt:SigningKey", JwtSigningKey),
        ("database password", DatabasePassword),
    ];

    /// <summary>The value, its core, and how URL and JSON encoders would write it.</summary>
    public static IEnumerable<string> FormsOf(string secret)
    {
        var core = new string(secret.TakeWhile(char.IsAsciiLetterOrDigit).ToArray());
        return new[]
        {
            secret,
            core,
            Uri.EscapeDataString(secret),
            WebUtility.UrlEncode(secret),
            JsonSerializer.Serialize(secret).Trim('"'),
        }.Distinct();
    }
}

namespace Paykassma.Tests.Shared;

/// <summary>The secrets and token settings the kit gives a service it starts (each user has its own values).</summary>
public sealed record ServiceSecrets(
    string PluginSecret,
    string PostbackAccessKey,
    string PostbackPrivateKey,
    string JwtSigningKey,
    string JwtIssuer,
    string JwtAudience,
    string? WithdrawalPrivateKey = null);

/// <summary>
/// How the merchant API and the sandbox gateway are configured when the kit starts them as processes
/// (the drills and the bench, through <see cref="AppHost"/>): in Production, every setting through the
/// environment, as a deployment does. One description, so a setting the service comes to need is added
/// here once; each user adds only what it measures or provokes.
/// </summary>
public static class ServiceSettings
{
    /// <summary>The API against one PostgreSQL database and one gateway.</summary>
    public static Dictionary<string, string> MerchantApi(string connectionString, string gatewayUrl, ServiceSecrets secrets)
    {
        var settings = Production();
        settings["ConnectionStrings__Merchant"] = connectionString;
        settings["Paykassma__ApiBaseUrl"] = gatewayUrl;
        settings["Paykassma__PluginApiSecret"] = secrets.PluginSecret;
        settings["Paykassma__PostbackAccessKey"] = secrets.PostbackAccessKey;
        settings["Paykassma__PostbackPrivateKey"] = secrets.PostbackPrivateKey;
        settings["Auth__Jwt__SigningKey"] = secrets.JwtSigningKey;
        settings["Auth__Jwt__Issuer"] = secrets.JwtIssuer;
        settings["Auth__Jwt__Audience"] = secrets.JwtAudience;
        if (secrets.WithdrawalPrivateKey is { } withdrawalKey)
        {
            settings["Paykassma__WithdrawalPrivateKey"] = withdrawalKey;
        }
        return settings;
    }

    /// <summary>The sandbox gateway with the same secrets (its postbacks off until a PostbackUrl is added).</summary>
    public static Dictionary<string, string> Sandbox(ServiceSecrets secrets)
    {
        var settings = Production();
        settings["Sandbox__Secret"] = secrets.PluginSecret;
        settings["Sandbox__PostbackAccessKey"] = secrets.PostbackAccessKey;
        settings["Sandbox__PostbackPrivateKey"] = secrets.PostbackPrivateKey;
        if (secrets.WithdrawalPrivateKey is { } withdrawalKey)
        {
            settings["Sandbox__WithdrawalPrivateKey"] = withdrawalKey;
        }
        return settings;
    }

    private static Dictionary<string, string> Production() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
    };
}

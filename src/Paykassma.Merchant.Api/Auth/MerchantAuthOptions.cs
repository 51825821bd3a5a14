using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Auth;

/// <summary>Bearer tokens of the frontend and of operations staff (<c>Auth</c> section).</summary>
public sealed class MerchantAuthOptions
{
    public const string SectionName = "Auth";

    public JwtSettings Jwt { get; set; } = new();

    /// <summary>The claim that carries the user's label (the id the gateway knows them by).</summary>
    public string LabelClaim { get; set; } = "sub";

    /// <summary>The value of the <c>role</c> claim that grants the ops API.</summary>
    public string OpsRole { get; set; } = "ops";

    /// <summary>The value of the <c>role</c> claim that lets the back office create payouts (never a frontend token).</summary>
    public string PayoutsRole { get; set; } = "payouts";

    public sealed class JwtSettings
    {
        /// <summary>An OpenID Connect authority whose published keys sign the tokens.</summary>
        public string? Authority { get; set; }

        /// <summary>An HS256 key (at least 32 bytes of UTF-8) when tokens are signed with a shared secret.</summary>
        public string? SigningKey { get; set; }

        public string? Issuer { get; set; }

        public string? Audience { get; set; }
    }
}

/// <summary>Stops start-up naming the key when the token settings cannot work.</summary>
internal sealed class MerchantAuthOptionsValidator : IValidateOptions<MerchantAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, MerchantAuthOptions options)
    {
        var failures = new List<string>();
        var jwt = options.Jwt;
        var hasAuthority = !string.IsNullOrWhiteSpace(jwt.Authority);
        var hasKey = !string.IsNullOrEmpty(jwt.SigningKey);

        if (hasAuthority == hasKey)
        {
            failures.Add("Exactly one of Auth:Jwt:Authority or Auth:Jwt:SigningKey must be set.");
        }
        if (hasAuthority && !Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _))
        {
            failures.Add("Auth:Jwt:Authority must be an absolute URL.");
        }
        if (hasKey && System.Text.Encoding.UTF8.GetByteCount(jwt.SigningKey!) < 32)
        {
            failures.Add("Auth:Jwt:SigningKey must be at least 32 bytes for HS256.");
        }
        if (hasKey && string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            failures.Add("Auth:Jwt:Issuer is required with Auth:Jwt:SigningKey.");
        }
        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            failures.Add("Auth:Jwt:Audience is required.");
        }
        if (string.IsNullOrWhiteSpace(options.LabelClaim))
        {
            failures.Add("Auth:LabelClaim must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(options.OpsRole))
        {
            failures.Add("Auth:OpsRole must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(options.PayoutsRole))
        {
            failures.Add("Auth:PayoutsRole must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Paykassma.Merchant.Api.Auth;

public static class AuthPolicies
{
    /// <summary>A signed-in user whose token carries a usable label.</summary>
    public const string Frontend = "frontend";

    /// <summary>Operations staff (the configured ops role).</summary>
    public const string Ops = "ops";

    /// <summary>The merchant's back office or ledger service (the configured payouts role).</summary>
    public const string Payouts = "payouts";
}

internal static class AuthExtensions
{
    /// <summary>Longest label the gateway accepts.</summary>
    public const int MaxLabelLength = 190;

    /// <summary>
    /// A label we can act for: not blank, not longer than the gateway takes, and no control
    /// characters (PostgreSQL text cannot hold a NUL, and no bank user is called "a\tb").
    /// </summary>
    public static bool IsUsableLabel([NotNullWhen(true)] string? label) =>
        !string.IsNullOrWhiteSpace(label) && label.Length <= MaxLabelLength && !label.Any(char.IsControl);

    public static IServiceCollection AddMerchantAuth(this IServiceCollection services)
    {
        services.AddOptions<MerchantAuthOptions>().BindConfiguration(MerchantAuthOptions.SectionName).ValidateOnStart();
        services.AddOptions<SwaggerSettings>().BindConfiguration(SwaggerSettings.SectionName);
        services.AddSingleton<IValidateOptions<MerchantAuthOptions>, MerchantAuthOptionsValidator>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        DropDataProtectionWarmUp(services);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<MerchantAuthOptions>>((bearer, auth) =>
            {
                var settings = auth.Value;
                var jwt = settings.Jwt;
                // Keep claim names as issued ("sub", "role"), not mapped to long SOAP-era URIs.
                bearer.MapInboundClaims = false;
                bearer.Authority = string.IsNullOrWhiteSpace(jwt.Authority) ? null : jwt.Authority;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = !string.IsNullOrWhiteSpace(jwt.Issuer) || bearer.Authority is not null,
                    ValidIssuer = string.IsNullOrWhiteSpace(jwt.Issuer) ? null : jwt.Issuer,
                    ValidateAudience = true,
                    ValidAudience = jwt.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = settings.LabelClaim,
                    RoleClaimType = "role",
                };
                bearer.Events = new JwtBearerEvents
                {
                    // Swagger UI and its OpenAPI document are fetched by the browser itself, which
                    // cannot add a bearer header: for those read-only pages the ops session cookie
                    // (set by POST /api/ops/session) carries the same token.
                    OnMessageReceived = context =>
                    {
                        var path = context.Request.Path;
                        if (string.IsNullOrEmpty(context.Token) && !context.Request.Headers.ContainsKey("Authorization")
                            && (path.StartsWithSegments("/swagger") || path.StartsWithSegments("/openapi"))
                            && context.Request.Cookies.TryGetValue(OpsSession.CookieName, out var token))
                        {
                            context.Token = token;
                        }
                        return Task.CompletedTask;
                    },
                };
                if (!string.IsNullOrEmpty(jwt.SigningKey))
                {
                    bearer.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey));
                    // Only HS256: never let a token pick a weaker or asymmetric-confused algorithm.
                    bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Frontend, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => CurrentUser.TryGetLabel(context.User, LabelClaimOf(context), out _)))
            .AddPolicy(AuthPolicies.Ops, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.IsInRole(OpsRoleOf(context))))
            .AddPolicy(AuthPolicies.Payouts, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.IsInRole(ResolveOptions(context).PayoutsRole)));

        return services;
    }

    /// <summary>
    /// AddAuthentication registers Data Protection, whose hosted service loads (on a fresh machine:
    /// creates and writes) the key ring at start-up. Nothing here protects data (bearer tokens only,
    /// no auth cookie, antiforgery is off), and measured it cost ~8 MB of idle RSS and part of the
    /// start-to-ready time (XML, crypto, file IO; bench/README.md). Without the warm-up the key ring still
    /// loads lazily on the first Protect/Unprotect, so anything that starts using it keeps working.
    /// </summary>
    private static void DropDataProtectionWarmUp(IServiceCollection services)
    {
        const string warmUp = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == warmUp).ToList())
        {
            services.Remove(descriptor);
        }
    }

    private static string LabelClaimOf(Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext context) =>
        ResolveOptions(context).LabelClaim;

    private static string OpsRoleOf(Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext context) =>
        ResolveOptions(context).OpsRole;

    private static MerchantAuthOptions ResolveOptions(Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext context) =>
        context.Resource is HttpContext http
            ? http.RequestServices.GetRequiredService<IOptions<MerchantAuthOptions>>().Value
            : new MerchantAuthOptions();
}

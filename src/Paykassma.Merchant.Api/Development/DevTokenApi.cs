using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Paykassma.Merchant.Api.Auth;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Development;

/// <summary>
/// Development only: mints a token signed with the configured HS256 key so a newcomer can try the
/// API from Swagger UI. Never mapped outside Development, nor when tokens come from an authority.
/// </summary>
public static class DevTokenApi
{
    /// <param name="Label">The token's subject and label claim.</param>
    /// <param name="Ops">Add the ops role.</param>
    /// <param name="LifetimeMinutes">How long the token is valid.</param>
    /// <param name="Payouts">Add the payouts (back office) role.</param>
    public sealed record DevTokenRequest(string Label = "dev-user", bool Ops = false, int LifetimeMinutes = 60, bool Payouts = false);

    /// <summary>The longest token this mints (a day).</summary>
    public const int MaxLifetimeMinutes = 24 * 60;

    public sealed record DevTokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);

    public static void MapDevTokenApi(this WebApplication app)
    {
        var signingKey = app.Services.GetRequiredService<IOptions<MerchantAuthOptions>>().Value.Jwt.SigningKey;
        if (!app.Environment.IsDevelopment() || string.IsNullOrEmpty(signingKey))
        {
            return;
        }

        app.MapPost("/dev/token", IssueToken)
            .WithName("DevToken")
            .WithTags("Development")
            .WithSummary("Development only: a bearer token for a label (and the ops or payouts role if asked)")
            .AllowAnonymous();
    }

    public static Results<Ok<DevTokenResponse>, ValidationProblem> IssueToken(
        DevTokenRequest request, IOptions<MerchantAuthOptions> options, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        if (!AuthExtensions.IsUsableLabel(request.Label))
        {
            errors["label"] = [$"1 to {AuthExtensions.MaxLabelLength} characters, no control characters."];
        }
        if (request.LifetimeMinutes is < 1 or > MaxLifetimeMinutes)
        {
            errors["lifetimeMinutes"] = [$"From 1 to {MaxLifetimeMinutes}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: Problems.Validation);
        }

        var settings = options.Value;
        var expires = time.GetUtcNow().AddMinutes(request.LifetimeMinutes);
        var claims = new List<Claim> { new(settings.LabelClaim, request.Label) };
        if (request.Ops)
        {
            claims.Add(new Claim("role", settings.OpsRole));
        }
        if (request.Payouts)
        {
            // The back office's role; its label doubles as the token subject payout actions are recorded by.
            claims.Add(new Claim("role", settings.PayoutsRole));
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = settings.Jwt.Issuer,
            Audience = settings.Jwt.Audience,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.Jwt.SigningKey!)), SecurityAlgorithms.HmacSha256),
        });
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", expires));
    }
}

using System.Globalization;
using System.Security.Claims;

namespace Paykassma.Merchant.Api.Auth;

/// <summary>
/// When the request's token stops being valid: its <c>exp</c> claim (RFC 7519 NumericDate, seconds,
/// possibly with a fraction). The bearer handler refuses a token without one (RequireExpirationTime),
/// so on an authenticated request it is always there; null only for an anonymous one.
/// </summary>
public static class TokenExpiry
{
    public const string Claim = "exp";

    public static DateTimeOffset? Of(ClaimsPrincipal user) =>
        user.FindFirst(Claim)?.Value is { } exp
        && decimal.TryParse(exp, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && seconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;
}

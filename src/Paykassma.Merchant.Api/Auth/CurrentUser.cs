using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Auth;

/// <summary>
/// The signed-in user, bound straight from the token: the label is a claim, never a request field,
/// so nobody can ask for requisites or submit proofs in another user's name.
/// </summary>
public sealed record CurrentUser(string Label)
{
    public static ValueTask<CurrentUser?> BindAsync(HttpContext http)
    {
        var claim = http.RequestServices.GetRequiredService<IOptions<MerchantAuthOptions>>().Value.LabelClaim;
        return ValueTask.FromResult(TryGetLabel(http.User, claim, out var label) ? new CurrentUser(label) : null);
    }

    internal static bool TryGetLabel(ClaimsPrincipal user, string claimType, [NotNullWhen(true)] out string? label)
    {
        label = user.FindFirst(claimType)?.Value;
        return AuthExtensions.IsUsableLabel(label);
    }
}

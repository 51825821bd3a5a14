using System.Diagnostics.CodeAnalysis;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>The verdict on a parsed postback: verified with a key, or rejected for a reason.</summary>
public sealed record PostbackVerification
{
    private PostbackVerification(PostbackSigningKey? verifiedWith, string? rejectReason)
    {
        VerifiedWith = verifiedWith;
        RejectReason = rejectReason;
    }

    /// <summary>The key that verified the signature; null when rejected.</summary>
    public PostbackSigningKey? VerifiedWith { get; }

    /// <summary>A code from <see cref="PostbackRejectReasons"/>; null when verified.</summary>
    public string? RejectReason { get; }

    [MemberNotNullWhen(true, nameof(VerifiedWith))]
    [MemberNotNullWhen(false, nameof(RejectReason))]
    public bool IsVerified => VerifiedWith is not null;

    /// <summary><c>current</c> or <c>previous</c> when verified, for logs and metrics.</summary>
    public string? VerifiedWithCode => VerifiedWith switch
    {
        PostbackSigningKey.Current => "current",
        PostbackSigningKey.Previous => "previous",
        _ => null,
    };

    public static PostbackVerification Verified(PostbackSigningKey key) => new(key, null);

    public static PostbackVerification Rejected(string reason) => new(null, reason);
}

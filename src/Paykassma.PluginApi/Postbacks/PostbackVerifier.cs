using System.Security.Cryptography;
using System.Text;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Decides whether a parsed postback comes from the gateway. The configured access key, not the body's,
/// goes into the hash: the body's copy is only checked to match, so a postback signed for another
/// merchant account is named as such instead of looking like a forgery.
/// </summary>
/// <remarks>
/// A previous private key may be given while the key is being rotated in the gateway's back office,
/// so postbacks signed just before the switch are not refused.
/// </remarks>
public sealed class PostbackVerifier
{
    private readonly byte[] _accessKeyUtf8;
    private readonly byte[] _currentKeyPrefix;
    private readonly byte[]? _previousKeyPrefix;

    public PostbackVerifier(string accessKey, string privateKey, string? previousPrivateKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(privateKey);
        _accessKeyUtf8 = Encoding.UTF8.GetBytes(accessKey);
        _currentKeyPrefix = PostbackSignature.KeyPrefix(accessKey, privateKey);
        _previousKeyPrefix = string.IsNullOrEmpty(previousPrivateKey) ? null : PostbackSignature.KeyPrefix(accessKey, previousPrivateKey);
    }

    public PostbackVerification Verify(ParsedPostback postback)
    {
        ArgumentNullException.ThrowIfNull(postback);
        if (string.IsNullOrEmpty(postback.Signature))
        {
            return PostbackVerification.Rejected(PostbackRejectReasons.MissingSignature);
        }

        if (postback.AccessKey is not null && !IsConfiguredAccessKey(postback.AccessKey))
        {
            return PostbackVerification.Rejected(PostbackRejectReasons.ForeignAccessKey);
        }

        if (Matches(_currentKeyPrefix, postback))
        {
            return PostbackVerification.Verified(PostbackSigningKey.Current);
        }

        if (_previousKeyPrefix is not null && Matches(_previousKeyPrefix, postback))
        {
            return PostbackVerification.Verified(PostbackSigningKey.Previous);
        }

        return PostbackVerification.Rejected(PostbackRejectReasons.BadSignature);
    }

    private static bool Matches(byte[] keyPrefix, ParsedPostback postback) =>
        PostbackSignature.Matches(keyPrefix, postback.SignedJson.Span, postback.Signature)
        || (postback.LegacyUnflaggedSignedJson is { } unflagged && PostbackSignature.Matches(keyPrefix, unflagged.Span, postback.Signature));

    public override string ToString() => $"{nameof(PostbackVerifier)} (keys redacted)";

    private bool IsConfiguredAccessKey(string received)
    {
        // Constant time in the content; a length mismatch returns early, but the length of a public key is no secret.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(received.Length);
        Span<byte> buffer = maxBytes <= 256 ? stackalloc byte[256] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(received, buffer);
        return CryptographicOperations.FixedTimeEquals(buffer[..length], _accessKeyUtf8);
    }
}

namespace Paykassma.PluginApi.Postbacks;

/// <summary>Which configured private key a postback verified with; <see cref="Previous"/> means a key rotation is still in flight.</summary>
public enum PostbackSigningKey
{
    Current,
    Previous,
}

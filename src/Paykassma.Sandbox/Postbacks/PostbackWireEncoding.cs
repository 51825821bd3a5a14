using System.Text.Json.Serialization;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// How a postback body is written on the wire. The signature never depends on it (it covers PHP's
/// unescaped encoding of the values), which is exactly what a receiver must cope with.
/// </summary>
public enum PostbackWireEncoding
{
    /// <summary>PHP's default <c>json_encode</c>: <c>\/</c> and <c>\uXXXX</c>, as the gateway's HTTP client sends it.</summary>
    [JsonStringEnumMemberName("php_default")]
    PhpDefault,

    /// <summary>The signing flags: raw <c>/</c> and raw UTF-8.</summary>
    [JsonStringEnumMemberName("unescaped")]
    Unescaped,

    /// <summary>Pretty-printed with the signing flags, as in PHP-made samples of the gateway's postbacks.</summary>
    [JsonStringEnumMemberName("pretty")]
    Pretty,
}

internal static class PostbackWireEncodings
{
    public const string Names = "php_default, unescaped, pretty";

    public static bool TryParse(string? text, out PostbackWireEncoding encoding)
    {
        encoding = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "php_default":
                encoding = PostbackWireEncoding.PhpDefault;
                return true;
            case "unescaped":
                encoding = PostbackWireEncoding.Unescaped;
                return true;
            case "pretty":
                encoding = PostbackWireEncoding.Pretty;
                return true;
            default:
                return false;
        }
    }

    public static PhpJsonFlags ToFlags(this PostbackWireEncoding encoding) => encoding switch
    {
        PostbackWireEncoding.PhpDefault => PhpJsonFlags.None,
        PostbackWireEncoding.Unescaped => PhpJsonFlags.Signing,
        PostbackWireEncoding.Pretty => PhpJsonFlags.Signing | PhpJsonFlags.PrettyPrint,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };
}

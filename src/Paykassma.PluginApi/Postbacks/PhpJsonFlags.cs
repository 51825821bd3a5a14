namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// The subset of PHP's <c>json_encode</c> flags that the gateway uses, with PHP's own constant values
/// so that a value logged or configured on either side means the same thing.
/// </summary>
[Flags]
public enum PhpJsonFlags
{
    None = 0,

    /// <summary><c>JSON_UNESCAPED_SLASHES</c>: write <c>/</c> instead of <c>\/</c>.</summary>
    UnescapedSlashes = 64,

    /// <summary><c>JSON_PRETTY_PRINT</c>: newlines, four-space indents and <c>": "</c>.</summary>
    PrettyPrint = 128,

    /// <summary><c>JSON_UNESCAPED_UNICODE</c>: raw UTF-8 instead of <c>\uXXXX</c>, except U+2028/U+2029.</summary>
    UnescapedUnicode = 256,

    /// <summary>The flags the gateway signs postbacks with.</summary>
    Signing = UnescapedSlashes | UnescapedUnicode,
}

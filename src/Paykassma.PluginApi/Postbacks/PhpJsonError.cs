namespace Paykassma.PluginApi.Postbacks;

/// <summary>Why a value cannot be written as PHP's <c>json_encode</c> would have written it.</summary>
public enum PhpJsonError
{
    None = 0,

    /// <summary>
    /// A string PHP cannot hold: invalid UTF-8 or a lone surrogate escape such as <c>"\ud800"</c>
    /// (PHP's <c>json_decode</c> refuses both, so the gateway cannot have signed them).
    /// </summary>
    InvalidString,

    /// <summary>Nesting deeper than PHP's default <c>json_encode</c> depth of 512.</summary>
    TooDeep,
}

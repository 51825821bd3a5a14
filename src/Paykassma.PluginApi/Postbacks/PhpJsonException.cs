namespace Paykassma.PluginApi.Postbacks;

/// <summary>Thrown by the throwing <see cref="PhpJson"/> entry points; the parser uses the Try form instead.</summary>
public sealed class PhpJsonException : FormatException
{
    public PhpJsonException(PhpJsonError error)
        : base(error switch
        {
            PhpJsonError.InvalidString => "The JSON holds a string that is not valid Unicode (invalid UTF-8 or a lone surrogate).",
            PhpJsonError.TooDeep => $"The JSON is nested deeper than {PhpJson.MaxDepth} levels.",
            _ => "The JSON cannot be encoded as PHP would.",
        })
    {
        Error = error;
    }

    public PhpJsonError Error { get; }
}

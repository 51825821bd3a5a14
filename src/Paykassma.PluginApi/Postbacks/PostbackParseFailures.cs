using System.Text.Json;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>Failure wording shared by the parser's parts, so the same fault reads the same everywhere.</summary>
internal static class PostbackParseFailures
{
    public static PostbackParseFailure InvalidString(string where) => new(
        PostbackParseReasons.InvalidString,
        $"{where} holds a string that is not valid Unicode (a lone surrogate escape); PHP cannot have sent it.");

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}

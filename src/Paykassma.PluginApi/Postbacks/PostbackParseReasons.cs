namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Why a body is not a postback. The values are stable: they are stored and counted. None of them is
/// about the signed value's shape: whatever PHP signed is verified as it arrived.
/// </summary>
public static class PostbackParseReasons
{
    public const string NotJson = "not_json";
    public const string InvalidUtf8 = "invalid_utf8";
    public const string TooDeep = "too_deep";
    public const string DuplicateKey = "duplicate_key";
    public const string NotAnObject = "not_an_object";
    public const string NoSignedData = "no_signed_data";
    public const string InvalidString = "invalid_string";

    public static IReadOnlyList<string> All { get; } =
    [
        NotJson, InvalidUtf8, TooDeep, DuplicateKey, NotAnObject, NoSignedData, InvalidString,
    ];
}

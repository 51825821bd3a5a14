namespace Paykassma.PluginApi.Postbacks;

/// <summary>Why a well-formed postback is not trusted. The values are stable: they are stored and counted.</summary>
public static class PostbackRejectReasons
{
    public const string MissingSignature = "missing_signature";
    public const string ForeignAccessKey = "foreign_access_key";
    public const string BadSignature = "bad_signature";

    public static IReadOnlyList<string> All { get; } = [MissingSignature, ForeignAccessKey, BadSignature];
}

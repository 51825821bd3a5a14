namespace Paykassma.PluginApi.Postbacks;

/// <summary>Why a body is not a postback. The values are stable: they are stored and counted.</summary>
public static class PostbackParseReasons
{
    public const string NotJson = "not_json";
    public const string InvalidUtf8 = "invalid_utf8";
    public const string TooDeep = "too_deep";
    public const string DuplicateKey = "duplicate_key";
    public const string NotAnObject = "not_an_object";
    public const string NoSignedData = "no_signed_data";
    public const string SignedDataNotAList = "signed_data_not_a_list";
    public const string TransactionNotAnObject = "transaction_not_an_object";
    public const string TransactionWithoutId = "transaction_without_id";
    public const string InvalidString = "invalid_string";

    public static IReadOnlyList<string> All { get; } =
    [
        NotJson, InvalidUtf8, TooDeep, DuplicateKey, NotAnObject, NoSignedData,
        SignedDataNotAList, TransactionNotAnObject, TransactionWithoutId, InvalidString,
    ];
}

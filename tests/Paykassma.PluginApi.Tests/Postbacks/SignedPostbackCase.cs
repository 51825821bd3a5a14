using System.Text.Json;

namespace Paykassma.PluginApi.Tests.Postbacks;

/// <summary>One signed postback from a fixture: its keys, its wire body and the bytes PHP signed.</summary>
internal sealed record SignedPostbackCase(
    string Name,
    string AccessKey,
    string PrivateKey,
    bool Valid,
    string Note,
    string SignedJson,
    string Body,
    string? Format,
    IReadOnlyList<ExpectedTransaction> ExpectedTransactions)
{
    /// <summary>The postback's name without its wire-encoding suffix, e.g. <c>seed-example</c>.</summary>
    public string Postback => Name[..Name.LastIndexOf('/')];

    public string WireEncoding => Name[(Name.LastIndexOf('/') + 1)..];

    public static IReadOnlyDictionary<string, SignedPostbackCase> LoadAll(string fileName)
    {
        using var document = Fixtures.Load(fileName);
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(Read)
            .ToDictionary(c => c.Name);
    }

    private static SignedPostbackCase Read(JsonElement item) => new(
        item.GetProperty("name").GetString()!,
        item.GetProperty("access_key").GetString()!,
        item.GetProperty("private_key").GetString()!,
        item.GetProperty("valid").GetBoolean(),
        item.GetProperty("note").GetString()!,
        item.GetProperty("signed_json").GetString()!,
        item.GetProperty("body").GetString()!,
        item.TryGetProperty("format", out var format) ? format.GetString() : null,
        item.TryGetProperty("expected_transactions", out var expected)
            ? [.. expected.EnumerateArray().Select(ExpectedTransaction.Read)]
            : []);
}

internal sealed record ExpectedTransaction(string TransactionId, string AmountText, string? CustomOrderId, string Json)
{
    public static ExpectedTransaction Read(JsonElement item) => new(
        item.GetProperty("transaction_id").GetString()!,
        item.GetProperty("amount_text").GetString()!,
        item.GetProperty("custom_order_id").GetString(),
        item.GetProperty("json").GetString()!);
}

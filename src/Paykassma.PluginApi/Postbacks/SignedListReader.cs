using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Re-encodes the signed list as PHP signed it and reads its items. Each item's bytes are a slice of the
/// list's encoding, so storing them later costs no second encoding.
/// </summary>
internal static class SignedListReader
{
    /// <returns>Null on success; otherwise why the list is not a list of transactions.</returns>
    public static PostbackParseFailure? TryRead(
        JsonElement list,
        string listName,
        int capacityHint,
        out ReadOnlyMemory<byte> signedJson,
        out ImmutableArray<SignedTransaction> transactions)
    {
        signedJson = default;
        transactions = default;

        // Re-encoding a PHP-made body rarely makes it longer, so a buffer of the body's size rarely regrows.
        var output = new ArrayBufferWriter<byte>(Math.Max(capacityHint, 256));
        var itemRanges = new List<Range>();
        output.Write("["u8);
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return new(PostbackParseReasons.TransactionNotAnObject, $"{At(listName, itemRanges.Count)} is a JSON {PostbackParseFailures.Describe(item)}, not an object.");
            }

            if (itemRanges.Count > 0)
            {
                output.Write(","u8);
            }

            var start = output.WrittenCount;
            if (!PhpJson.TryWrite(item, output, PhpJsonFlags.Signing, out var error))
            {
                return error == PhpJsonError.TooDeep
                    ? new(PostbackParseReasons.TooDeep, $"{At(listName, itemRanges.Count)} nests too deep.")
                    : PostbackParseFailures.InvalidString(At(listName, itemRanges.Count));
            }

            itemRanges.Add(start..output.WrittenCount);
        }

        output.Write("]"u8);

        var items = ImmutableArray.CreateBuilder<SignedTransaction>(itemRanges.Count);
        foreach (var item in list.EnumerateArray())
        {
            var transaction = SignedTransactionReader.Read(item, output.WrittenMemory[itemRanges[items.Count]]);
            if (transaction is null)
            {
                return new(
                    PostbackParseReasons.TransactionWithoutId,
                    $"{At(listName, items.Count)} has no transaction_id (a non-empty string or a number).");
            }

            items.Add(transaction);
        }

        signedJson = output.WrittenMemory;
        transactions = items.MoveToImmutable();
        return null;
    }

    private static string At(string listName, int index) => $"{listName}[{index}]";
}

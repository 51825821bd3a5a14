using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Re-encodes the signed value as PHP signed it and reads its items. The gateway signs a PHP
/// collection: usually a list, but a filtered collection keeps its keys and PHP writes it as an
/// object keyed by index (<c>{"1":{…},"3":{…}}</c>), signed in that shape. So whatever shape arrived
/// is encoded as it is, and the items are a list's elements, an object's values, or a lone value.
/// Each item's bytes are a slice of the whole encoding, so storing them costs no second encoding.
/// </summary>
internal static class SignedListReader
{
    /// <returns>Null on success; otherwise why the value cannot be what PHP signed.</returns>
    public static PostbackParseFailure? TryRead(
        JsonElement signed,
        string name,
        int capacityHint,
        out ReadOnlyMemory<byte> signedJson,
        out ImmutableArray<SignedTransaction> transactions)
    {
        signedJson = default;
        transactions = default;

        // Re-encoding a PHP-made body rarely makes it longer, so a buffer of the body's size rarely regrows.
        var output = new ArrayBufferWriter<byte>(Math.Max(capacityHint, 256));
        var items = new List<(JsonElement Value, Range Json)>();
        PostbackParseFailure? failure;
        switch (signed.ValueKind)
        {
            case JsonValueKind.Array:
                output.Write("["u8);
                foreach (var item in signed.EnumerateArray())
                {
                    if (items.Count > 0)
                    {
                        output.Write(","u8);
                    }
                    if ((failure = TryWriteItem(item, output, name, items)) is not null)
                    {
                        return failure;
                    }
                }
                output.Write("]"u8);
                break;

            case JsonValueKind.Object:
                output.Write("{"u8);
                foreach (var member in signed.EnumerateObject())
                {
                    if (items.Count > 0)
                    {
                        output.Write(","u8);
                    }
                    if (!PhpJson.TryWriteKey(member, output, PhpJsonFlags.Signing))
                    {
                        return PostbackParseFailures.InvalidString($"A key of {name}");
                    }
                    if ((failure = TryWriteItem(member.Value, output, name, items)) is not null)
                    {
                        return failure;
                    }
                }
                output.Write("}"u8);
                break;

            default:
                if ((failure = TryWriteItem(signed, output, name, items)) is not null)
                {
                    return failure;
                }
                break;
        }

        var read = ImmutableArray.CreateBuilder<SignedTransaction>(items.Count);
        foreach (var (value, json) in items)
        {
            read.Add(SignedTransactionReader.Read(value, output.WrittenMemory[json]));
        }

        signedJson = output.WrittenMemory;
        transactions = read.MoveToImmutable();
        return null;
    }

    /// <summary>
    /// The signed value without PHP's two flags (<c>\/</c>, <c>\uXXXX</c>): older gateway versions signed
    /// legacy postbacks this way. Both are functions of the same signed value, so accepting either
    /// lets no one change what was signed.
    /// </summary>
    public static ReadOnlyMemory<byte> EncodeWithoutFlags(JsonElement signed, int capacityHint)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(capacityHint, 256));
        // The flagged encoding of the same value succeeded, and the flags change no validity rule.
        return PhpJson.TryWrite(signed, output, PhpJsonFlags.None, out _) ? output.WrittenMemory : ReadOnlyMemory<byte>.Empty;
    }

    private static PostbackParseFailure? TryWriteItem(
        JsonElement item, ArrayBufferWriter<byte> output, string name, List<(JsonElement, Range)> items)
    {
        var start = output.WrittenCount;
        if (!PhpJson.TryWrite(item, output, PhpJsonFlags.Signing, out var error))
        {
            var where = $"{name}[{items.Count}]";
            return error == PhpJsonError.TooDeep
                ? new(PostbackParseReasons.TooDeep, $"{where} nests too deep.")
                : PostbackParseFailures.InvalidString(where);
        }
        items.Add((item, start..output.WrittenCount));
        return null;
    }
}

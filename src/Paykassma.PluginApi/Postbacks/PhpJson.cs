using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Writes a parsed JSON value back exactly as PHP 8's <c>json_encode</c> would, byte for byte.
/// The gateway signs its own <c>json_encode</c> output, not the bytes it sends, so a receiver has to
/// reproduce PHP's escaping and spacing rules; <c>Utf8JsonWriter</c> cannot (it escapes astral
/// characters and writes uppercase hex).
/// </summary>
/// <remarks>
/// Numbers are copied as their raw token text, never reformatted: PHP writes <c>1.0e+25</c> and keeps
/// integers past 2^53 exact, which a round trip through double or decimal would break. Keys keep the
/// order they arrived in. The input is assumed to come from PHP, so objects and lists keep their shape.
/// </remarks>
public static class PhpJson
{
    /// <summary>PHP's default <c>json_encode</c> depth: deeper values make PHP fail, so they fail here too.</summary>
    public const int MaxDepth = 512;

    private const int IndentWidth = 4;

    /// <summary>Writes <paramref name="value"/> or reports why PHP could not have produced it; never throws for content.</summary>
    /// <remarks>On failure <paramref name="output"/> may hold a partial encoding, which the caller should discard.</remarks>
    public static bool TryWrite(JsonElement value, IBufferWriter<byte> output, PhpJsonFlags flags, out PhpJsonError error)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffered = new BufferedUtf8Output(output);
        error = WriteValue(value, ref buffered, flags, depth: 0);
        buffered.Flush();
        return error == PhpJsonError.None;
    }

    /// <exception cref="PhpJsonException">The value holds an invalid string or is nested too deep.</exception>
    public static void Write(JsonElement value, IBufferWriter<byte> output, PhpJsonFlags flags)
    {
        if (!TryWrite(value, output, flags, out var error))
        {
            throw new PhpJsonException(error);
        }
    }

    /// <exception cref="PhpJsonException">The value holds an invalid string or is nested too deep.</exception>
    public static byte[] Encode(JsonElement value, PhpJsonFlags flags)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(value, output, flags);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes an object member's key and colon (<c>"key":</c>) as PHP would: for callers that encode a
    /// container member by member and need each value's own bytes.
    /// </summary>
    internal static bool TryWriteKey(JsonProperty property, IBufferWriter<byte> output, PhpJsonFlags flags)
    {
        var buffered = new BufferedUtf8Output(output);
        var written = PhpJsonString.TryWrite(JsonMarshal.GetRawUtf8PropertyName(property), ref buffered, flags);
        buffered.Write((flags & PhpJsonFlags.PrettyPrint) != 0 ? ": "u8 : ":"u8);
        buffered.Flush();
        return written;
    }

    private static PhpJsonError WriteValue(JsonElement value, ref BufferedUtf8Output output, PhpJsonFlags flags, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return WriteObject(value, ref output, flags, depth + 1);
            case JsonValueKind.Array:
                return WriteArray(value, ref output, flags, depth + 1);
            case JsonValueKind.String:
                var quoted = JsonMarshal.GetRawUtf8Value(value);
                return PhpJsonString.TryWrite(quoted[1..^1], ref output, flags) ? PhpJsonError.None : PhpJsonError.InvalidString;
            case JsonValueKind.Number:
                output.Write(JsonMarshal.GetRawUtf8Value(value));
                return PhpJsonError.None;
            case JsonValueKind.True:
                output.Write("true"u8);
                return PhpJsonError.None;
            case JsonValueKind.False:
                output.Write("false"u8);
                return PhpJsonError.None;
            case JsonValueKind.Null:
                output.Write("null"u8);
                return PhpJsonError.None;
            default:
                throw new ArgumentException($"A JsonElement of kind {value.ValueKind} has no JSON text.", nameof(value));
        }
    }

    private static PhpJsonError WriteObject(JsonElement value, ref BufferedUtf8Output output, PhpJsonFlags flags, int depth)
    {
        if (depth > MaxDepth)
        {
            return PhpJsonError.TooDeep;
        }

        output.Write((byte)'{');
        var isEmpty = true;
        foreach (var property in value.EnumerateObject())
        {
            if (!isEmpty)
            {
                output.Write((byte)',');
            }

            isEmpty = false;
            WriteNewLineAndIndent(ref output, flags, depth);
            if (!PhpJsonString.TryWrite(JsonMarshal.GetRawUtf8PropertyName(property), ref output, flags))
            {
                return PhpJsonError.InvalidString;
            }

            output.Write((flags & PhpJsonFlags.PrettyPrint) != 0 ? ": "u8 : ":"u8);
            var error = WriteValue(property.Value, ref output, flags, depth);
            if (error != PhpJsonError.None)
            {
                return error;
            }
        }

        // PHP writes an empty object as {} even when pretty-printing.
        if (!isEmpty)
        {
            WriteNewLineAndIndent(ref output, flags, depth - 1);
        }

        output.Write((byte)'}');
        return PhpJsonError.None;
    }

    private static PhpJsonError WriteArray(JsonElement value, ref BufferedUtf8Output output, PhpJsonFlags flags, int depth)
    {
        if (depth > MaxDepth)
        {
            return PhpJsonError.TooDeep;
        }

        output.Write((byte)'[');
        var isEmpty = true;
        foreach (var item in value.EnumerateArray())
        {
            if (!isEmpty)
            {
                output.Write((byte)',');
            }

            isEmpty = false;
            WriteNewLineAndIndent(ref output, flags, depth);
            var error = WriteValue(item, ref output, flags, depth);
            if (error != PhpJsonError.None)
            {
                return error;
            }
        }

        if (!isEmpty)
        {
            WriteNewLineAndIndent(ref output, flags, depth - 1);
        }

        output.Write((byte)']');
        return PhpJsonError.None;
    }

    private static void WriteNewLineAndIndent(ref BufferedUtf8Output output, PhpJsonFlags flags, int depth)
    {
        if ((flags & PhpJsonFlags.PrettyPrint) == 0)
        {
            return;
        }

        var width = 1 + (depth * IndentWidth);
        var destination = output.Reserve(width);
        destination[0] = (byte)'\n';
        destination[1..width].Fill((byte)' ');
        output.Advance(width);
    }
}

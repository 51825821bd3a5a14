using System.Buffers;
using System.Text;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Re-encodes the raw text of a JSON string (escapes included, quotes excluded) as PHP's
/// <c>json_encode</c> writes it. Working on the raw bytes avoids materialising a .NET string per value
/// and lets long runs that need no change be copied in one go.
/// </summary>
internal static class PhpJsonString
{
    // Bytes that cannot be copied as they are: escapes, anything PHP escapes, and every non-ASCII byte,
    // because those must be validated as UTF-8 (System.Text.Json does not) and checked for U+2028/U+2029.
    private static readonly SearchValues<byte> NeedsWorkKeepingSlashes = SearchValues.Create(SpecialBytes(includeSlash: false));
    private static readonly SearchValues<byte> NeedsWorkEscapingSlashes = SearchValues.Create(SpecialBytes(includeSlash: true));

    public static bool TryWrite(ReadOnlySpan<byte> raw, ref BufferedUtf8Output output, PhpJsonFlags flags)
    {
        var needsWork = (flags & PhpJsonFlags.UnescapedSlashes) != 0 ? NeedsWorkKeepingSlashes : NeedsWorkEscapingSlashes;
        output.Write((byte)'"');
        while (!raw.IsEmpty)
        {
            var next = raw.IndexOfAny(needsWork);
            if (next < 0)
            {
                output.Write(raw);
                break;
            }

            output.Write(raw[..next]);
            raw = raw[next..];

            int consumed;
            var lead = raw[0];
            if (lead == (byte)'\\')
            {
                if (!TryDecodeEscape(raw, out var codePoint, out consumed))
                {
                    return false;
                }

                WriteCodePoint(codePoint, default, ref output, flags);
            }
            else if (lead < 0x80)
            {
                consumed = 1;
                WriteCodePoint(lead, default, ref output, flags);
            }
            else
            {
                if (Rune.DecodeFromUtf8(raw, out var rune, out consumed) != OperationStatus.Done)
                {
                    return false;
                }

                WriteCodePoint(rune.Value, raw[..consumed], ref output, flags);
            }

            raw = raw[consumed..];
        }

        output.Write((byte)'"');
        return true;
    }

    // utf8 holds the code point's own bytes when it arrived raw, so it is copied rather than re-encoded.
    private static void WriteCodePoint(int codePoint, ReadOnlySpan<byte> utf8, ref BufferedUtf8Output output, PhpJsonFlags flags)
    {
        switch (codePoint)
        {
            case '"': output.Write("\\\""u8); return;
            case '\\': output.Write("\\\\"u8); return;
            case '/':
                output.Write((flags & PhpJsonFlags.UnescapedSlashes) != 0 ? "/"u8 : "\\/"u8);
                return;
            case '\b': output.Write("\\b"u8); return;
            case '\f': output.Write("\\f"u8); return;
            case '\n': output.Write("\\n"u8); return;
            case '\r': output.Write("\\r"u8); return;
            case '\t': output.Write("\\t"u8); return;
        }

        if (codePoint < 0x20)
        {
            WriteUnicodeEscape(codePoint, ref output);
        }
        else if (codePoint < 0x80)
        {
            output.Write((byte)codePoint);
        }
        else if ((flags & PhpJsonFlags.UnescapedUnicode) != 0 && codePoint is not (0x2028 or 0x2029))
        {
            // PHP keeps escaping the JavaScript line terminators unless JSON_UNESCAPED_LINE_TERMINATORS is given.
            WriteUtf8(codePoint, utf8, ref output);
        }
        else if (codePoint < 0x10000)
        {
            WriteUnicodeEscape(codePoint, ref output);
        }
        else
        {
            var astral = codePoint - 0x10000;
            WriteUnicodeEscape(0xD800 + (astral >> 10), ref output);
            WriteUnicodeEscape(0xDC00 + (astral & 0x3FF), ref output);
        }
    }

    private static void WriteUtf8(int codePoint, ReadOnlySpan<byte> utf8, ref BufferedUtf8Output output)
    {
        if (!utf8.IsEmpty)
        {
            output.Write(utf8);
            return;
        }

        var destination = output.Reserve(4);
        output.Advance(new Rune(codePoint).EncodeToUtf8(destination));
    }

    private static void WriteUnicodeEscape(int codeUnit, ref BufferedUtf8Output output)
    {
        var destination = output.Reserve(6);
        destination[0] = (byte)'\\';
        destination[1] = (byte)'u';
        destination[2] = LowerHexDigit(codeUnit >> 12);
        destination[3] = LowerHexDigit(codeUnit >> 8);
        destination[4] = LowerHexDigit(codeUnit >> 4);
        destination[5] = LowerHexDigit(codeUnit);
        output.Advance(6);
    }

    private static byte LowerHexDigit(int value) => (byte)"0123456789abcdef"[value & 0xF];

    /// <summary>
    /// Decodes one escape at the start of <paramref name="raw"/>, pairing surrogate escapes into one
    /// code point. A surrogate without its partner fails, as it does in PHP's <c>json_decode</c>.
    /// </summary>
    private static bool TryDecodeEscape(ReadOnlySpan<byte> raw, out int codePoint, out int consumed)
    {
        consumed = 2;
        codePoint = 0;
        if (raw.Length < 2)
        {
            return false;
        }

        switch (raw[1])
        {
            case (byte)'"': codePoint = '"'; return true;
            case (byte)'\\': codePoint = '\\'; return true;
            case (byte)'/': codePoint = '/'; return true;
            case (byte)'b': codePoint = '\b'; return true;
            case (byte)'f': codePoint = '\f'; return true;
            case (byte)'n': codePoint = '\n'; return true;
            case (byte)'r': codePoint = '\r'; return true;
            case (byte)'t': codePoint = '\t'; return true;
            case (byte)'u': break;
            default: return false;
        }

        if (!TryReadHex4(raw[2..], out var first))
        {
            return false;
        }

        consumed = 6;
        if (!char.IsSurrogate((char)first))
        {
            codePoint = first;
            return true;
        }

        if (!char.IsHighSurrogate((char)first)
            || raw.Length < 12
            || raw[6] != (byte)'\\'
            || raw[7] != (byte)'u'
            || !TryReadHex4(raw[8..], out var second)
            || !char.IsLowSurrogate((char)second))
        {
            return false;
        }

        consumed = 12;
        codePoint = char.ConvertToUtf32((char)first, (char)second);
        return true;
    }

    private static bool TryReadHex4(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        if (digits.Length < 4)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            var digit = HexValue(digits[i]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => -1,
    };

    private static byte[] SpecialBytes(bool includeSlash)
    {
        var bytes = new List<byte> { (byte)'"', (byte)'\\' };
        for (var b = 0; b < 0x20; b++)
        {
            bytes.Add((byte)b);
        }

        for (var b = 0x80; b <= 0xFF; b++)
        {
            bytes.Add((byte)b);
        }

        if (includeSlash)
        {
            bytes.Add((byte)'/');
        }

        return [.. bytes];
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Paykassma.Merchant.Api.Tests.Observability;

/// <summary>One exported span as an OTLP collector receives it, attribute values as text.</summary>
public sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    OtlpSpanKind Kind,
    string Scope,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<OtlpEvent> Events,
    IReadOnlyDictionary<string, string> Resource)
{
    public string? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}

public sealed record OtlpEvent(string Name, IReadOnlyDictionary<string, string> Attributes);

public enum OtlpSpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>
/// Decodes an OTLP/HTTP protobuf <c>ExportTraceServiceRequest</c> body (opentelemetry-proto
/// trace/v1 and common/v1), reading only the fields the tests look at. Hand-written, as no
/// package with the generated types is served here; the wire format is small: varints,
/// fixed 32/64-bit values and length-delimited fields.
/// </summary>
public static class OtlpTraces
{
    public static IReadOnlyList<OtlpSpan> Decode(ReadOnlyMemory<byte> exportRequest)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resourceSpans in Fields(exportRequest).Where(f => f.Number == 1))
        {
            var resource = new Dictionary<string, string>();
            foreach (var field in Fields(resourceSpans.Bytes))
            {
                if (field.Number == 1)
                {
                    ReadAttributes(field.Bytes, 1, resource);
                }
            }
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
            {
                var scope = "";
                foreach (var field in Fields(scopeSpans.Bytes))
                {
                    if (field.Number == 1)
                    {
                        scope = Fields(field.Bytes).Where(f => f.Number == 1).Select(f => Text(f.Bytes)).FirstOrDefault() ?? "";
                    }
                    else if (field.Number == 2)
                    {
                        spans.Add(ReadSpan(field.Bytes, scope, resource));
                    }
                }
            }
        }
        return spans;
    }

    private static OtlpSpan ReadSpan(ReadOnlyMemory<byte> span, string scope, IReadOnlyDictionary<string, string> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = OtlpSpanKind.Unspecified;
        var attributes = new Dictionary<string, string>();
        var events = new List<OtlpEvent>();
        foreach (var field in Fields(span))
        {
            switch (field.Number)
            {
                case 1: traceId = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 2: spanId = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 4: parent = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 5: name = Text(field.Bytes); break;
                case 6: kind = (OtlpSpanKind)field.Varint; break;
                case 9: ReadKeyValue(field.Bytes, attributes); break;
                case 11:
                    var eventName = "";
                    var eventAttributes = new Dictionary<string, string>();
                    foreach (var eventField in Fields(field.Bytes))
                    {
                        if (eventField.Number == 2)
                        {
                            eventName = Text(eventField.Bytes);
                        }
                        else if (eventField.Number == 3)
                        {
                            ReadKeyValue(eventField.Bytes, eventAttributes);
                        }
                    }
                    events.Add(new OtlpEvent(eventName, eventAttributes));
                    break;
            }
        }
        return new OtlpSpan(traceId, spanId, parent, name, kind, scope, attributes, events, resource);
    }

    private static void ReadAttributes(ReadOnlyMemory<byte> message, int fieldNumber, Dictionary<string, string> into)
    {
        foreach (var field in Fields(message).Where(f => f.Number == fieldNumber))
        {
            ReadKeyValue(field.Bytes, into);
        }
    }

    private static void ReadKeyValue(ReadOnlyMemory<byte> keyValue, Dictionary<string, string> into)
    {
        string key = "", value = "";
        foreach (var field in Fields(keyValue))
        {
            if (field.Number == 1)
            {
                key = Text(field.Bytes);
            }
            else if (field.Number == 2)
            {
                value = AnyValue(field.Bytes);
            }
        }
        into[key] = value;
    }

    private static string AnyValue(ReadOnlyMemory<byte> anyValue)
    {
        foreach (var field in Fields(anyValue))
        {
            return field.Number switch
            {
                1 => Text(field.Bytes),
                2 => field.Varint != 0 ? "true" : "false",
                3 => ((long)field.Varint).ToString(CultureInfo.InvariantCulture),
                4 => BitConverter.UInt64BitsToDouble(field.Varint).ToString(CultureInfo.InvariantCulture),
                5 => "[" + string.Join(",", Fields(field.Bytes).Where(f => f.Number == 1).Select(f => AnyValue(f.Bytes))) + "]",
                7 => Convert.ToHexStringLower(field.Bytes.Span),
                _ => "",
            };
        }
        return "";
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private readonly record struct Field(int Number, ulong Varint, ReadOnlyMemory<byte> Bytes);

    private static List<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var position = 0;
        var span = message.Span;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var number = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    fields.Add(new Field(number, ReadVarint(span, ref position), default));
                    break;
                case 1:
                    fields.Add(new Field(number, BinaryPrimitives.ReadUInt64LittleEndian(span[position..]), default));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    fields.Add(new Field(number, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add(new Field(number, BinaryPrimitives.ReadUInt32LittleEndian(span[position..]), default));
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type in field {number}.");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}

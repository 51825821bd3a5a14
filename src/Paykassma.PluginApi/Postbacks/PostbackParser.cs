using System.Text.Json;
using System.Text.Unicode;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Reads a postback body into a <see cref="ParsedPostback"/> and re-encodes its signed list the way PHP
/// signed it. Never throws for any input bytes: every refusal is a <see cref="PostbackParseFailure"/>.
/// </summary>
public static class PostbackParser
{
    /// <summary>A real postback nests four levels deep; anything near this limit is not from the gateway.</summary>
    public const int MaxDepth = 64;

    // PHP arrays cannot hold a key twice, so a duplicate is not the gateway's; refusing it also keeps
    // "which signature / access_key did we read?" from having two answers.
    private static readonly JsonDocumentOptions StrictOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };
    private static readonly JsonDocumentOptions DuplicatesAllowedOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = true };

    public static PostbackParseResult Parse(ReadOnlyMemory<byte> body)
    {
        var json = SkipByteOrderMark(body);
        if (!Utf8.IsValid(json.Span))
        {
            return PostbackParseResult.Fail(PostbackParseReasons.InvalidUtf8, "The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, StrictOptions);
        }
        catch (JsonException exception)
        {
            return ExplainUnparseable(json, exception);
        }
        catch (InvalidOperationException)
        {
            // Duplicate-key detection unescapes every key, and a key with a lone surrogate escape cannot be unescaped.
            return InvalidString("A key");
        }

        using (document)
        {
            return Read(document.RootElement, json.Length);
        }
    }

    // PHP never writes a byte-order mark, but a proxy might add one; it carries no meaning, so it is not worth a refusal.
    private static ReadOnlyMemory<byte> SkipByteOrderMark(ReadOnlyMemory<byte> body)
        => body.Span.StartsWith("\uFEFF"u8) ? body[3..] : body;

    private static PostbackParseResult ExplainUnparseable(ReadOnlyMemory<byte> json, JsonException exception)
    {
        if (JsonNesting.Exceeds(json.Span, MaxDepth))
        {
            return PostbackParseResult.Fail(PostbackParseReasons.TooDeep, $"The body nests deeper than {MaxDepth} levels.");
        }

        try
        {
            using var lenient = JsonDocument.Parse(json, DuplicatesAllowedOptions);
            return PostbackParseResult.Fail(PostbackParseReasons.DuplicateKey, "An object in the body has the same key twice.");
        }
        catch (JsonException)
        {
            // The exception's own message can quote the body; the position is enough to find the fault.
            return PostbackParseResult.Fail(
                PostbackParseReasons.NotJson,
                $"The body is not valid JSON (line {exception.LineNumber ?? 0}, byte {exception.BytePositionInLine ?? 0}).");
        }
    }

    private static PostbackParseResult Read(JsonElement root, int bodyLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return PostbackParseResult.Fail(PostbackParseReasons.NotAnObject, $"The body is a JSON {PostbackParseFailures.Describe(root)}, not an object.");
        }

        var envelope = new PostbackEnvelopeReader();
        foreach (var property in root.EnumerateObject())
        {
            if (!envelope.TryRead(property))
            {
                return InvalidString(property.Name);
            }
        }

        var (signedList, format, listName) = envelope.AdditionalData is { } current
            ? (current, PostbackFormat.Current, "additional_data")
            : envelope.Transactions is { } legacy
                ? (legacy, PostbackFormat.Legacy, "transactions")
                : default;
        if (listName is null)
        {
            return PostbackParseResult.Fail(PostbackParseReasons.NoSignedData, "The body has neither additional_data nor transactions.");
        }

        var listFailure = SignedListReader.TryRead(signedList, listName, bodyLength, out var signedJson, out var transactions);
        if (listFailure is not null)
        {
            return PostbackParseResult.Fail(listFailure);
        }

        if (!envelope.TryGetConvertedAmountJson(out var convertedAmountJson))
        {
            return InvalidString("converted_amount");
        }

        return PostbackParseResult.Success(new ParsedPostback
        {
            Format = format,
            Signature = envelope.Signature,
            AccessKey = envelope.AccessKey,
            SignedJson = signedJson,
            LegacyUnflaggedSignedJson = format == PostbackFormat.Legacy
                ? SignedListReader.EncodeWithoutFlags(signedList, signedJson.Length)
                : (ReadOnlyMemory<byte>?)null,
            Transactions = transactions,
            Unsigned = envelope.ToUnsignedEnvelope(convertedAmountJson),
        });
    }

    private static PostbackParseResult InvalidString(string where) => PostbackParseResult.Fail(PostbackParseFailures.InvalidString(where));
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Every string in a JSON request body, member names and nested values included, is valid Unicode:
/// no lone surrogate (<c>"\ud800"</c>) and no invalid UTF-8. The serializer refuses those only for
/// the fields it turns into strings itself; a raw value (<c>bankDetails</c> is a map of JsonElement)
/// carried one through binding, and then <c>GetString</c> or Npgsql's encoder threw: a 500. One rule
/// here, before any endpoint reads its body, instead of a check per field: a 400 problem, nothing
/// stored. Malformed JSON is left to the binder, which says where it broke.
/// </summary>
public static class JsonText
{
    /// <summary>After authentication and the body limits: a stranger's body is never read, and a large one is refused as 413.</summary>
    public static IApplicationBuilder UseValidJsonText(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (ReadsJsonBody(http))
            {
                var body = await ReadBodyAsync(http.Request, http.RequestAborted);
                if (FirstInvalidString(body) is { } at)
                {
                    await Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.MalformedRequest,
                        "The request body holds text that is not valid Unicode",
                        $"The string at byte {at + 1} has a lone surrogate or invalid UTF-8. Nothing was stored.");
                    return;
                }
                http.Request.Body = new MemoryStream(body, writable: false);
            }
            await next(http);
        });

    /// <summary>A JSON request to an endpoint that binds a JSON body (the postback reads its raw bytes, and answers in its own shape).</summary>
    private static bool ReadsJsonBody(HttpContext http) =>
        http.Request.HasJsonContentType()
        && OwnErrorShape.Of(http) is null
        && http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { } accepts
        && accepts.ContentTypes.Any(type => type.Contains("json", StringComparison.OrdinalIgnoreCase));

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Kestrel enforces the body size limit while this reads: past it, a 413 (ErrorHandler). The
        // declared length only sizes the first buffer, within reason: it is the client's word.
        using var buffer = new MemoryStream((int)Math.Clamp(request.ContentLength ?? 0, 0, 64 * 1024));
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>The byte offset of the first string (or member name) that is not valid Unicode; null when all are, or the JSON is malformed.</summary>
    internal static long? FirstInvalidString(ReadOnlySpan<byte> json)
    {
        // The serializer's own limits (no comments, depth 64): past them the binder refuses the body anyway.
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !IsValidText(ref reader))
                {
                    return reader.TokenStartIndex;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the binder refuses it with the place it broke.
        }
        return null;
    }

    private static bool IsValidText(ref Utf8JsonReader reader)
    {
        try
        {
            // Unescapes \uXXXX and transcodes UTF-8, throwing on a lone surrogate or an invalid byte.
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

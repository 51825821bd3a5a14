using Microsoft.Net.Http.Headers;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// JSON is UTF-8 (RFC 8259). A JSON body declared in another charset is refused with 415 before
/// binding: the framework would otherwise throw an InvalidOperationException for an unknown one
/// ("charset=bogus"), and transcode a known one we never test with. An endpoint with its own error shape
/// (the postback URL) is left alone: it reads raw bytes, and the gateway is never refused over a header.
/// </summary>
public static class JsonCharset
{
    public static IApplicationBuilder UseUtf8JsonOnly(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.Request.ContentType is not null && OwnErrorShape.Of(http) is null && DeclaresOtherCharset(http.Request.ContentType))
            {
                await Problems.WriteAsync(http, Problems.JsonNotUtf8.Status, Problems.JsonNotUtf8.Type,
                    Problems.JsonNotUtf8.Title, "Send Content-Type: application/json (optionally with charset=utf-8).");
                return;
            }
            await next(http);
        });

    internal static bool DeclaresOtherCharset(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }
        var isJson = media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                     || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
        if (!isJson || media.Parameters.All(p => !p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        var charset = HeaderUtilities.RemoveQuotes(media.Charset).Value;
        return !string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)
               && !string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase);
    }
}

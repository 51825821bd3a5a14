using System.Text.Json;

namespace Paykassma.PluginApi.Client;

/// <summary>One HTTP answer of the gateway, read within the attempt that received it.</summary>
/// <param name="HttpStatus">The HTTP status code.</param>
/// <param name="Status">The body's <c>status</c> field, when the body is a JSON object that has one.</param>
/// <param name="Message">
/// The body's <c>message</c> field: a string as it is; an object of field errors (the withdrawal API's
/// <c>{"withdrawals_sum_amount":["Insufficient balance"]}</c>) written readably, see <see cref="Readable"/>.
/// </param>
/// <param name="Params">The body's <c>params</c> (create-deposit), cloned out of the document.</param>
internal sealed record GatewayReply(int HttpStatus, string? Status, string? Message, JsonElement? Params)
{
    public bool IsTransientHttpError => HttpStatus >= 500 || HttpStatus is 408 or 429;

    public bool IsFail => string.Equals(Status, "fail", StringComparison.OrdinalIgnoreCase);

    /// <summary>create-deposit says "ok", possible-transaction "success".</summary>
    public bool IsSuccess => string.Equals(Status, "ok", StringComparison.OrdinalIgnoreCase)
                             || string.Equals(Status, "success", StringComparison.OrdinalIgnoreCase);

    /// <summary>Terse on purpose: resilience telemetry prints results, and requisites are nobody's log business.</summary>
    public override string ToString() => $"HTTP {HttpStatus}, status {Status ?? "(none)"}";

    public static GatewayReply Parse(int httpStatus, ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new GatewayReply(httpStatus, null, null, null);
            }

            string? status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            string? message = root.TryGetProperty("message", out var m) ? Readable(m) : null;
            JsonElement? parameters = root.TryGetProperty("params", out var p) ? p.Clone() : null;
            return new GatewayReply(httpStatus, status, message, parameters);
        }
        catch (JsonException)
        {
            return new GatewayReply(httpStatus, null, null, null);
        }
    }

    /// <summary>Longest message kept: enough for any refusal a person reads, bounded whatever the gateway sends.</summary>
    internal const int MaxMessageLength = 2000;

    /// <summary>
    /// A message as a person reads it: a string as it is, an object as <c>field: first; second | other: …</c>,
    /// a list joined by <c>; </c>, any other value as its JSON. Null when there is no message.
    /// </summary>
    internal static string? Readable(JsonElement message)
    {
        var text = message.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => message.GetString(),
            JsonValueKind.Object => string.Join(" | ", message.EnumerateObject().Select(field => field.Value.ValueKind == JsonValueKind.Object
                ? field.Name + ": " + Readable(field.Value)
                : field.Name + ": " + Readable(field.Value))),
            JsonValueKind.Array => string.Join("; ", message.EnumerateArray().Select(Readable).Where(t => !string.IsNullOrEmpty(t))),
            _ => message.GetRawText(),
        };
        return text is { Length: > MaxMessageLength } ? text[..MaxMessageLength] : text;
    }
}

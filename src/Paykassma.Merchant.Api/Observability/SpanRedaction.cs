using System.Diagnostics;
using OpenTelemetry;

namespace Paykassma.Merchant.Api.Observability;

/// <summary>
/// Takes out of every finished span, before it is exported, the attributes that could carry a
/// secret (ADR 0011): query strings (the gateway calls carry <c>?secret=</c>, an incoming request
/// could carry a token), connection strings, and statement parameters (Npgsql records none today). The instrumentations
/// already redact query values by default, but an environment variable or an AppContext switch
/// (<c>OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION</c>,
/// <c>System.Net.Http.DisableUriRedaction</c>) turns that off; this does not depend on either.
/// </summary>
internal sealed class SpanRedaction : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        List<KeyValuePair<string, string?>>? changes = null;
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            if (Redact(tag.Key, tag.Value) is { } change)
            {
                (changes ??= []).Add(new(tag.Key, change.Value));
            }
        }
        foreach (var (key, value) in changes ?? [])
        {
            data.SetTag(key, value); // null removes the attribute
        }
    }

    /// <summary>What an attribute becomes: null when it stays as it is, a null Value when it goes.</summary>
    internal static Replacement? Redact(string key, object? value) => key switch
    {
        // Full URLs (current and older semantic conventions) and the older target (path and query).
        "url.full" or "http.url" or "http.target" => value is string url && WithoutQuery(url) is { } cut ? new(cut) : null,
        "url.query" => new(null),
        // Npgsql names the data source by its connection string: without the password, unless the
        // string says Persist Security Info=true. db.namespace and server.address keep what matters.
        "db.connection_string" or "db.npgsql.data_source" => new(null),
        _ when key.StartsWith("db.query.parameter.", StringComparison.Ordinal)
               || key.StartsWith("db.operation.parameter.", StringComparison.Ordinal) => new(null),
        _ => null,
    };

    private static string? WithoutQuery(string url)
    {
        var end = url.AsSpan().IndexOfAny('?', '#');
        return end < 0 ? null : url[..end];
    }

    internal readonly record struct Replacement(string? Value);
}

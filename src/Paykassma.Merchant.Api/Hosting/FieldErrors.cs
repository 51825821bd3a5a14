using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// The field a request the framework could not read went wrong at, keyed as the client named it, so a
/// form can mark the field: a JSON value of the wrong type (<c>{"amount":"300"}</c> → <c>amount</c>), a
/// member the call does not take, a query value that is not of its type (<c>?page=abc</c> → <c>page</c>).
/// The messages say what the field takes; they never echo the framework's .NET type names.
/// </summary>
internal static partial class FieldErrors
{
    public static Dictionary<string, string[]>? Of(Exception exception, HttpContext http) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => FromJson(json, http),
        BadHttpRequestException bad when BindFailure().Match(bad.Message) is { Success: true } failed =>
            new() { [failed.Groups["name"].Value] = [$"Must be {Describe(failed.Groups["type"].Value)}."] },
        _ => null,
    };

    private static Dictionary<string, string[]>? FromJson(JsonException json, HttpContext http)
    {
        if (FieldOf(json.Path) is not { } field)
        {
            return null;
        }
        var message = json.Message;
        string error;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            error = "Unknown field: this call does not take it (names are case-sensitive).";
        }
        else if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            error = "Sent more than once: send each field once.";
        }
        else
        {
            // The serializer names the body's type, not the field's: the field's type is looked up by its path.
            error = TypeAt(http, field) is { } type
                ? $"Must be {Describe(type)}."
                : "Not a value this field takes: see its type in /openapi/v1.json.";
        }
        return new() { [field] = [error] };
    }

    /// <summary>The .NET type of the body member at <paramref name="field"/> (<c>amount</c>), as the serializer sees it.</summary>
    private static Type? TypeAt(HttpContext http, string field)
    {
        // The exception handler runs without the endpoint; what it was is kept in its feature.
        var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var type = endpoint?.Metadata.GetOrderedMetadata<IAcceptsMetadata>().FirstOrDefault(a => a.RequestType is not null)?.RequestType;
        var json = http.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions;
        if (type is null || json is null)
        {
            return null;
        }
        foreach (var segment in field.Split('.'))
        {
            var properties = json.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type).Properties;
            type = properties.FirstOrDefault(p => p.Name == segment)?.PropertyType;
            if (type is null)
            {
                return null;
            }
        }
        return type;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) || type == typeof(short) ? Describe("int")
            : type == typeof(decimal) || type == typeof(double) ? Describe("decimal")
            : type == typeof(bool) ? Describe("bool")
            : type == typeof(Guid) ? Describe("Guid")
            : type == typeof(string) ? Describe("string")
            : type.IsEnum ? "one of the values /openapi/v1.json lists for it"
            : "a JSON object or value as /openapi/v1.json describes it";
    }

    /// <summary>"$.amount" → "amount", "$.bankDetails.bank_code" → "bankDetails.bank_code", "$['a b']" → "a b"; null for the body itself.</summary>
    internal static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$" || !path.StartsWith('$'))
        {
            return null;
        }
        var field = BracketedName().Replace(path[1..], match => "." + match.Groups["name"].Value).TrimStart('.');
        return field.Length == 0 ? null : field;
    }

    /// <summary>What a value of a .NET type (as C# or the binder names it: "int", "Guid?") is, in a client's words.</summary>
    private static string Describe(string dotnetType) => dotnetType.TrimEnd('?') switch
    {
        "int" or "long" or "short" or "Int32" or "Int64" => "a whole number",
        "decimal" or "double" => "a number",
        "bool" or "Boolean" => "true or false",
        "Guid" => "a UUID (0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e)",
        "QueryTime" => "an ISO-8601 time (2026-01-27T00:00:00Z; encode + as %2B)",
        "string" or "String" => "a string",
        _ => "a value of the type /openapi/v1.json gives",
    };

    // Failed to bind parameter "int page" from "abc".  (The framework's wording; a change only loses the key.)
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[A-Za-z_][A-Za-z0-9_]*)" from""", RegexOptions.CultureInvariant)]
    private static partial Regex BindFailure();

    [GeneratedRegex(@"\['(?<name>(?:[^'\\]|\\.)*)'\]", RegexOptions.CultureInvariant)]
    private static partial Regex BracketedName();
}

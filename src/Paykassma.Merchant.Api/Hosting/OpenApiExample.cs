namespace Paykassma.Merchant.Api.Hosting;

/// <summary>One operation's examples: its request body (null: none) and its answers by status code.</summary>
public sealed record OperationExamples(string? Request, Dictionary<string, string> Responses);

/// <summary>How a capability writes its OpenAPI examples: problems as <see cref="Problems"/> writes them, pages as every list answers.</summary>
public static class OpenApiExample
{
    /// <summary>The trace id every example problem carries.</summary>
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    /// <summary>A problem of a kind its capability defines: the same status, type and title as the answer.</summary>
    public static string Problem(ProblemKind kind, string extra) =>
        Problem(kind.Status, kind.Type[Problems.Base.Length..], kind.Title, extra);

    /// <summary>A first page holding one item, as every list answers.</summary>
    public static string Page(string item, int pageSize) => $$"""{"items":[{{item}}],"page":1,"pageSize":{{pageSize}},"total":1}""";

    /// <summary>
    /// One of this API's own problem types, as <see cref="Problems"/> writes it (every problem carries the
    /// trace id; a validation problem the detail <see cref="ProblemContract"/> gives it).
    /// </summary>
    public static string Problem(int status, string type, string title, string extra)
    {
        if (type == "validation" && !extra.Contains("\"detail\"", StringComparison.Ordinal))
        {
            extra = Extra("detail", ProblemContract.ValidationDetail) + extra;
        }
        return $$"""{"type":"{{Problems.Base}}{{type}}","title":"{{title}}","status":{{status}}{{extra.TrimEnd()}},"traceId":"{{TraceId}}"}""";
    }

    /// <summary>A member to add to a problem example: <c>,"name":"value"</c>, the value escaped as JSON.</summary>
    public static string Extra(string name, string value) => $",\"{name}\":{System.Text.Json.JsonSerializer.Serialize(value)}";
}

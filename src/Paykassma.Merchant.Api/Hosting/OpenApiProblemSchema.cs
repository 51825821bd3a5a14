using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// One schema, <c>Problem</c>, for every problem answer in the document. The framework describes
/// ProducesProblem answers as a bare ProblemDetails and ValidationProblem ones as
/// HttpValidationProblemDetails, neither with the members this service adds (traceId on every
/// problem, gatewayMessage, proof, reason): a client generated from them could not read those, and
/// examples carrying them did not match. Every extension member a problem can carry is declared here
/// (the framework's two schemas, then unused, are dropped by RemoveUnusedSchemas).
/// </summary>
internal static class OpenApiProblemSchema
{
    public const string Name = "Problem";
    private const string ProblemMediaType = "application/problem+json";

    public static OpenApiOptions AddProblemSchema(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[Name] = Schema(document);
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var response in operation.Responses?.Values.AsEnumerable() ?? [])
            {
                if (response.Content?.TryGetValue(ProblemMediaType, out var media) == true)
                {
                    media.Schema = new OpenApiSchemaReference(Name, document);
                }
            }
        }
        return Task.CompletedTask;
    });

    private static OpenApiSchema Schema(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem, as every error of this API except the postback's is answered. " +
                      "Branch on type, never on the wording of title or detail.",
        Required = new HashSet<string> { "type", "title", "status", "traceId" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("Stable problem type, always this API's own: https://paykassma-merchant.local/problems/{name} " +
                            "(validation, malformed-request, unauthorized, forbidden, not-found, rate-limited, request-timeout, " +
                            "gateway-refused, proof-rejected, …), whoever wrote the answer."),
            ["title"] = Text("Short human-readable summary; may change wording."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = Text("What happened in this case and what to change (the limit, the role, the fields), for people."),
            ["instance"] = Text("A URI for this occurrence, when there is one."),
            ["traceId"] = Text("The request's trace id: quote it to support, who find the request's logs by it."),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "The messages for every refused field, by the name the client sent (JSON member, query parameter, " +
                              "form field or header), all at once: with validation, and with malformed-request when a value could not be read.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["gatewayMessage"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Description = "The payment gateway's own message, when the gateway refused (gateway-refused, proof-rejected).",
            },
            ["proof"] = new OpenApiSchemaReference("ProofResponse", document)
            {
                Description = "The refused proof as stored (proof-rejected): its status is rejected; another proof may be sent.",
            },
            ["reason"] = Text("Why a postback still does not verify (postback-still-rejected), as recorded."),
        },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}

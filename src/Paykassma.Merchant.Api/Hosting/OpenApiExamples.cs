using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Paykassma.Merchant.Api.Attention;
using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Development;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.LiveStatus;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Reconciliation;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Examples in the OpenAPI document, so Swagger UI shows what a call and its answers look like
/// (and "Try it out" starts from a sensible body). Keyed by operation id and status code; each
/// capability writes its own (<c>…Examples</c> beside its endpoints), with the helpers of <see cref="OpenApiExample"/>.
/// </summary>
internal static partial class OpenApiExamples
{
    /// <summary>Every operation's examples, each from the capability that owns the operation.</summary>
    private static readonly Dictionary<string, OperationExamples> Examples = Merge(
        DepositExamples.Operations, LiveStatusExamples.Operations, ProofExamples.Operations, PostbackExamples.Operations,
        PayoutExamples.Operations, EventExamples.Operations, OpsActionExamples.Operations, AttentionExamples.Operations,
        ReconciliationExamples.Operations, DevTokenExamples.Operations);

    private static Dictionary<string, OperationExamples> Merge(params IReadOnlyDictionary<string, OperationExamples>[] owners)
    {
        var all = new Dictionary<string, OperationExamples>(StringComparer.Ordinal);
        foreach (var (operationId, examples) in owners.SelectMany(owner => owner))
        {
            // Two capabilities claiming one operation is a mistake to see at start-up, not a silent overwrite.
            if (!all.TryAdd(operationId, examples))
            {
                throw new InvalidOperationException($"Two sets of OpenAPI examples for {operationId}.");
            }
        }
        return all;
    }

    public static OpenApiOptions AddExamples(this OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        var examples = operation.OperationId is { } id ? Examples.GetValueOrDefault(id) : null;
        if (examples?.Request is { } request)
        {
            // The postback body is read raw (no binding), so its document entry is written here: a JSON
            // object in the gateway's own shape, verified byte for byte as it arrived (docs/gateway-protocol.md).
            operation.RequestBody ??= new OpenApiRequestBody
            {
                Required = true,
                Description = "The gateway's signed postback (its own member names), read as raw bytes",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            AdditionalProperties = new OpenApiSchemaReference(OpenApiTypes.JsonValueSchema, context.Document),
                        },
                    },
                },
            };
            foreach (var (mediaType, media) in operation.RequestBody.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (mediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
                {
                    // A form's example would need its file too; its text fields get one each instead,
                    // which Swagger UI fills in (the file has none: the user picks one).
                    ExampleEachField(media, JsonNode.Parse(request)!.AsObject(), context.Document);
                    continue;
                }
                media.Example = JsonNode.Parse(request);
            }
        }
        foreach (var (status, response) in operation.Responses ?? [])
        {
            var own = examples?.Responses.GetValueOrDefault(status);
            foreach (var (mediaType, media) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                // Common problems fit problem answers only (the postback answers in the gateway's shape).
                var example = own ?? (mediaType == "application/problem+json" ? CommonProblem(status, context) : null);
                if (example is not null)
                {
                    media.Example = JsonNode.Parse(example);
                }
            }
        }
        return Task.CompletedTask;
    });

    private static void ExampleEachField(OpenApiMediaType media, JsonObject fields, OpenApiDocument? document)
    {
        var form = media.Schema is OpenApiSchemaReference { Reference.Id: { } id } && document?.Components?.Schemas?.TryGetValue(id, out var declared) == true
            ? declared : media.Schema;
        foreach (var (name, value) in fields)
        {
            if (form?.Properties is { } properties && properties.TryGetValue(name, out var declaredField) && declaredField is OpenApiSchema field
                && value is not null)
            {
                field.Examples = [value.DeepClone()];
            }
        }
    }
}

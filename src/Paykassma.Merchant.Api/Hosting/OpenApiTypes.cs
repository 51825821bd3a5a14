using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Ops;
using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Types a generator can trust: nothing in the document leaves a client with <c>any</c> or
/// <c>unknown</c>. Enums are <c>type: string</c> with their values (in schemas and in the query
/// filters, so Swagger UI offers dropdowns), money is a number, free-form JSON is the typed
/// <c>JsonValue</c>, an event's data is the schema of its subject, and a request schema says what the
/// service really requires: a field with a default or a null meaning "none" is optional, a required
/// one is not nullable. ContractTests fails on any <c>any</c> or <c>unknown</c> in the generated types.
/// </summary>
internal static class OpenApiTypes
{
    public const string JsonValueSchema = "JsonValue";

    /// <summary>Text members whose values are a fixed list, stated as an enum.</summary>
    private static readonly Dictionary<(Type Owner, string Property), IReadOnlyList<string>> TextChoices = new()
    {
        [(typeof(OpsEventsApi.OpsEvent), "type")] = EventTypes.All,
        [(typeof(OpsPostbacksApi.OpsTransaction), "unappliedReason")] = UnappliedReasons.All,
    };

    public static OpenApiOptions AddPreciseTypes(this OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            var nullable = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is not null;
            if (type.IsEnum && schema.Enum is { Count: > 0 })
            {
                // The serializer writes them as snake_case strings; without a type Swagger UI shows "any".
                schema.Type = schema.Enum.Any(value => value is null) ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            }
            else if (type == typeof(decimal))
            {
                // MoneyJsonConverter writes a JSON number without trailing zeros (300, 300.5); the schema
                // generator cannot see through a custom converter and left no type at all.
                schema.Type = nullable ? JsonSchemaType.Number | JsonSchemaType.Null : JsonSchemaType.Number;
                schema.Format = null;
            }
            if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && IsRecord(type.BaseType) && schema.Properties is { Count: > 0 } members)
            {
                // A record that extends another (OpsPayout extends PayoutResponse) writes the base's members
                // too, always: they are as required as its own, though not parameters of its constructor.
                schema.Required = members.Keys.ToHashSet();
            }
            if (context.JsonPropertyInfo is { } property && TextChoices.TryGetValue((property.DeclaringType, property.Name), out var choices))
            {
                schema.Enum = choices.Select(choice => (JsonNode)JsonValue.Create(choice)).ToList();
                if (schema.Type?.HasFlag(JsonSchemaType.Null) == true)
                {
                    schema.Enum.Add(null!);
                }
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            foreach (var description in context.Description.ParameterDescriptions)
            {
                var type = Nullable.GetUnderlyingType(description.Type) ?? description.Type;
                if (type is not null && typeof(IQueryChoices).IsAssignableFrom(type)
                    && type.GetProperty(nameof(IQueryChoices.Choices), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is IReadOnlyList<string> values
                    && operation.Parameters?.FirstOrDefault(p => p.Name == description.Name)?.Schema is OpenApiSchema schema)
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Format = null;
                    schema.Enum = values.Select(value => (JsonNode)JsonValue.Create(value)).ToList();
                }
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            TypeAnyJson(document);
            TypeEventData(document);
            MakeRequestSchemasHonest(document);
            return Task.CompletedTask;
        });
        return options;
    }

    private static bool IsRecord(Type? type) => type?.GetMethod("<Clone>$") is not null;

    /// <summary>
    /// Raw JSON (the gateway's own requisites and signed items) was described as <c>{}</c> in many places
    /// and under a .NET name, each an anonymous <c>unknown</c> for a generator. It is one named schema,
    /// <c>JsonValue</c>, which says what it is; everything else the document describes is typed.
    /// </summary>
    private static void TypeAnyJson(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        // Deliberately no type: any JSON at all (a recursive union would be exact, but TypeScript cannot
        // declare an array of itself inside the generated `components`). The one `unknown` of the
        // generated types is this one, by name, where a client must look at the value it got.
        schemas[JsonValueSchema] = new OpenApiSchema
        {
            Description = "Any JSON value, as it was received or stored (the gateway's own fields, a signed item): check what it is before using it.",
        };
        foreach (var schema in AllSchemas(document).OfType<OpenApiSchema>().ToList())
        {
            foreach (var (name, property) in schema.Properties?.ToList() ?? [])
            {
                if (IsAnyJson(property))
                {
                    schema.Properties![name] = new OpenApiSchemaReference(JsonValueSchema, document) { Description = property.Description };
                }
            }
            if (schema.AdditionalProperties is { } values && IsAnyJson(values))
            {
                schema.AdditionalProperties = new OpenApiSchemaReference(JsonValueSchema, document);
            }
            if (schema.Items is { } items && IsAnyJson(items))
            {
                schema.Items = new OpenApiSchemaReference(JsonValueSchema, document);
            }
        }
        schemas.Remove(nameof(JsonElement));
    }

    /// <summary>An empty schema, or a reference to the framework's JsonElement (also empty): any JSON.</summary>
    private static bool IsAnyJson(IOpenApiSchema schema) =>
        schema is OpenApiSchemaReference { Reference.Id: nameof(JsonElement) }
        || schema is OpenApiSchema { Type: null, Properties: null or { Count: 0 }, Enum: null or { Count: 0 }, OneOf: null or { Count: 0 },
            AnyOf: null or { Count: 0 }, AllOf: null or { Count: 0 }, Items: null, AdditionalProperties: null, Format: null };

    /// <summary>An event's data is one of three shapes, each the field list its SQL is built from (<see cref="EventData"/>).</summary>
    private static void TypeEventData(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        if (!schemas.TryGetValue(nameof(OpsEventsApi.OpsEvent), out var found) || found is not OpenApiSchema opsEvent)
        {
            return;
        }
        var shapes = new (string Name, EventData.Field[] Fields, string Description)[]
        {
            ("DepositEventData", EventData.Deposit, "The data of deposit.confirmed, deposit.amount_mismatch and deposit.expired."),
            ("PayoutEventData", EventData.Payout, "The data of every payout.* event."),
            ("ProofEventData", EventData.Proof, "The data of proof.rejected."),
        };
        foreach (var (name, fields, description) in shapes)
        {
            schemas[name] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = description,
                Required = fields.Where(f => !f.Optional).Select(f => f.Name).ToHashSet(),
                Properties = fields.ToDictionary(f => f.Name, f => KindSchema(f, document)),
                AdditionalPropertiesAllowed = false,
            };
        }
        opsEvent.Properties!["data"] = new OpenApiSchema
        {
            Description = "The event's data, as the webhook carries it: the subject's fields after the change (docs/api.md).",
            OneOf = shapes.Select(shape => (IOpenApiSchema)new OpenApiSchemaReference(shape.Name, document)).ToList(),
        };
    }

    private static IOpenApiSchema KindSchema(EventData.Field field, OpenApiDocument document)
    {
        OpenApiSchema Of(JsonSchemaType type, string? format = null) => new() { Type = type, Format = format, Description = field.Description };
        return field.Kind switch
        {
            EventData.Kind.Id => Of(JsonSchemaType.String, "uuid"),
            EventData.Kind.Text => Of(JsonSchemaType.String),
            EventData.Kind.NullableText => Of(JsonSchemaType.String | JsonSchemaType.Null),
            EventData.Kind.WholeAmount => Of(JsonSchemaType.Integer, "int32"),
            EventData.Kind.NullableWholeAmount => Of(JsonSchemaType.Integer | JsonSchemaType.Null, "int32"),
            EventData.Kind.NullableMoney => Of(JsonSchemaType.Number | JsonSchemaType.Null),
            EventData.Kind.Flag => Of(JsonSchemaType.Boolean),
            EventData.Kind.NullableCode => Of(JsonSchemaType.Integer | JsonSchemaType.Null, "int32"),
            EventData.Kind.DepositStatus => new OpenApiSchemaReference(nameof(Deposits.DepositStatus), document) { Description = field.Description },
            EventData.Kind.PayoutStatus => new OpenApiSchemaReference(nameof(Payouts.PayoutStatus), document) { Description = field.Description },
            EventData.Kind.ProofStatus => new OpenApiSchemaReference(nameof(Proofs.ProofStatus), document) { Description = field.Description },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field.Kind, null),
        };
    }

    /// <summary>
    /// The schemas of request bodies say what the service requires. A field with a default is optional
    /// (openapi-typescript makes any property with a <c>default</c> non-optional, so the default moves
    /// to the description: <c>{"label":"alice"}</c> is a whole DevTokenRequest), and a required field
    /// is not nullable (the service refuses a null there as it refuses its absence).
    /// </summary>
    private static void MakeRequestSchemasHonest(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        var bodies = document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.RequestBody?.Content?.Values.AsEnumerable() ?? [])
            .SelectMany(media => media.Schema is { } schema ? new[] { schema }.Concat(schema.OneOf ?? []) : [])
            .OfType<OpenApiSchemaReference>().Select(reference => reference.Reference.Id).OfType<string>().Distinct();
        foreach (var name in bodies)
        {
            if (!schemas.TryGetValue(name, out var declared) || declared is not OpenApiSchema body)
            {
                continue;
            }
            foreach (var (field, property) in body.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (property is not OpenApiSchema schema)
                {
                    continue;
                }
                if (schema.Default is { } value)
                {
                    schema.Description = $"{schema.Description} Default: {value.ToJsonString()}.".Trim();
                    schema.Default = null;
                }
                if (body.Required?.Contains(field) == true && schema.Type is { } type && type.HasFlag(JsonSchemaType.Null) && type != JsonSchemaType.Null)
                {
                    schema.Type = type & ~JsonSchemaType.Null;
                }
            }
        }
    }

    /// <summary>Every schema object of the document: components, and those inside operations, with what they contain.</summary>
    private static IEnumerable<IOpenApiSchema> AllSchemas(OpenApiDocument document)
    {
        var roots = (document.Components?.Schemas?.Values ?? []).Concat(
            document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []).SelectMany(operation =>
                (operation.Parameters ?? []).Select(p => p.Schema)
                .Concat((operation.RequestBody?.Content?.Values ?? []).Select(m => m.Schema))
                .Concat((operation.Responses?.Values.AsEnumerable() ?? []).SelectMany(r => (r.Content?.Values ?? []).Select(m => m.Schema)))))
            .OfType<IOpenApiSchema>();
        var pending = new Stack<IOpenApiSchema>(roots);
        var seen = new HashSet<IOpenApiSchema>(ReferenceEqualityComparer.Instance);
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference || !seen.Add(schema))
            {
                continue;
            }
            yield return schema;
            foreach (var inner in new[] { schema.Items, schema.AdditionalProperties, schema.Not }.OfType<IOpenApiSchema>()
                         .Concat(schema.Properties?.Values ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
            {
                pending.Push(inner);
            }
        }
    }
}

using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Drops component schemas that no operation uses, directly or through another schema. Transformers
/// that replace what the framework generated (one problem schema for all problems, a form's declared
/// type for its raw collection) leave the replaced schemas behind, and a generated client would carry
/// types for nothing (Redocly's no-unused-components warns about them).
/// </summary>
internal static class OpenApiUnusedSchemas
{
    public static OpenApiOptions RemoveUnusedSchemas(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        if (document.Components?.Schemas is not { } components)
        {
            return Task.CompletedTask;
        }
        var pending = new Stack<IOpenApiSchema>(SchemasOfOperations(document));
        var used = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference reference)
            {
                if (reference.Reference.Id is { } id && used.Add(id) && components.TryGetValue(id, out var target))
                {
                    pending.Push(target);
                }
                continue;
            }
            foreach (var inner in InnerSchemas(schema))
            {
                pending.Push(inner);
            }
        }
        foreach (var unused in components.Keys.Where(name => !used.Contains(name)).ToList())
        {
            components.Remove(unused);
        }
        return Task.CompletedTask;
    });

    private static IEnumerable<IOpenApiSchema> SchemasOfOperations(OpenApiDocument document)
    {
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter.Schema is { } schema)
                {
                    yield return schema;
                }
            }
            foreach (var media in operation.RequestBody?.Content?.Values.AsEnumerable() ?? [])
            {
                if (media.Schema is { } schema)
                {
                    yield return schema;
                }
            }
            foreach (var response in operation.Responses?.Values.AsEnumerable() ?? [])
            {
                var media = response.Content?.Values.AsEnumerable() ?? [];
                var headers = response.Headers?.Values.Select(header => header.Schema) ?? [];
                foreach (var schema in media.Select(m => m.Schema).Concat(headers))
                {
                    if (schema is not null)
                    {
                        yield return schema;
                    }
                }
            }
        }
    }

    private static IEnumerable<IOpenApiSchema> InnerSchemas(IOpenApiSchema schema) =>
        new[] { schema.Items, schema.AdditionalProperties, schema.Not }.OfType<IOpenApiSchema>()
            .Concat(schema.Properties?.Values.AsEnumerable() ?? [])
            .Concat(schema.PatternProperties?.Values.AsEnumerable() ?? [])
            .Concat(schema.AllOf ?? [])
            .Concat(schema.AnyOf ?? [])
            .Concat(schema.OneOf ?? []);
}

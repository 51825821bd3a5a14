using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Paykassma.Merchant.Api.Auth;

namespace Paykassma.Merchant.Api.Hosting;

internal static class OpenApiExtensions
{
    private const string BearerScheme = "Bearer";

    /// <summary>
    /// The OpenAPI document (built from typed results) with a bearer scheme, so Swagger UI shows an
    /// Authorize button and ops can try calls from the browser with a token.
    /// </summary>
    public static IServiceCollection AddMerchantOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Paykassma merchant API",
                    Version = "v1",
                    Description = "Deposits by bank transfer (bnb_ml, BTN) through Paykassma: requisites, payment proofs, signed postbacks.",
                    // The merchant's own service: not open source. An SPDX LicenseRef says so in a form tools read.
                    License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
                };
                // Relative: the API is where the document was fetched from. The request's own URL would
                // say localhost in development and http:// behind a TLS proxy, and the document would
                // differ from host to host; frontends set their base URL per environment anyway.
                document.Servers = [new OpenApiServer { Url = "/", Description = "The host that served this document" }];
                foreach (var tag in document.Tags?.AsEnumerable() ?? [])
                {
                    tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
                }
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A JWT whose label claim is the user's id; ops calls need the ops role.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAllowAnonymous>().Any())
                {
                    // Anonymous on purpose (the postback's signature is its authentication): said
                    // explicitly, so generators and scanners do not assume the bearer scheme.
                    operation.Security = [];
                }
                else if (metadata.OfType<IAuthorizeData>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(DescribeFormsByTheirDeclaredType);
            options.AddOperationTransformer(DescribeTimeFilters);
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // A map of raw JSON values (the gateway's other requisites, by their own names) came
                // out as a bare object, which generators read as "no members": any JSON, by any name.
                if (context.JsonTypeInfo is { Kind: JsonTypeInfoKind.Dictionary, ElementType: { } values } && values == typeof(JsonElement))
                {
                    schema.AdditionalProperties = new OpenApiSchema();
                }
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer(LetAnyJsonBeNull);
            options.AddLimits();
            // After LetAnyJsonBeNull, which reads JsonElement as it came.
            options.AddPreciseTypes();
            options.AddProblemSchema();
            options.AddExamples();
            // Last: after the transformers above replaced schemas, drop the ones nothing refers to.
            options.RemoveUnusedSchemas();
        });

    /// <summary>
    /// An endpoint that reads its form by hand (IFormCollection, so every field's problem can be
    /// reported together) names the form's shape with Accepts&lt;T&gt;(multipart/form-data); the
    /// framework still describes the raw collection, an array of key/value pairs that no client can
    /// fill. The declared type is the contract: its schema (a component, so clients can name it) goes
    /// in its place.
    /// </summary>
    private static async Task DescribeFormsByTheirDeclaredType(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        // The last accepts metadata wins, as everywhere in endpoint metadata: the endpoint's own
        // Accepts<T> comes after what the framework inferred from the IFormCollection parameter.
        var form = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>().LastOrDefault();
        if (form?.RequestType is not { } type || type == typeof(IFormCollection)
            || !form.ContentTypes.Any(contentType => contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            || operation.RequestBody?.Content is not { } content || context.Document is not { } document)
        {
            return;
        }
        if (document.Components?.Schemas?.ContainsKey(type.Name) != true)
        {
            document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }
        foreach (var contentType in form.ContentTypes)
        {
            if (content.TryGetValue(contentType, out var media))
            {
                media.Schema = new OpenApiSchemaReference(type.Name, document);
            }
        }
    }

    /// <summary>A time filter (<see cref="QueryTime"/>) binds by its own TryParse, which the framework describes as any string.</summary>
    private static Task DescribeTimeFilters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var times = context.Description.ParameterDescriptions
            .Where(p => (Nullable.GetUnderlyingType(p.Type) ?? p.Type) == typeof(QueryTime)).Select(p => p.Name).ToHashSet();
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (times.Contains(parameter.Name ?? "") && parameter.Schema is OpenApiSchema schema)
            {
                schema.Type = JsonSchemaType.String;
                schema.Format = "date-time";
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A nullable raw JSON value (JsonElement?) is described as oneOf [null, JsonElement]; but
    /// JsonElement's schema is any JSON, null included, so a null matches both branches and fails the
    /// oneOf (Redocly refused the ops postback example over it). Any JSON already covers null.
    /// </summary>
    private static Task LetAnyJsonBeNull(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var owner in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            foreach (var (name, property) in owner.Properties?.ToList() ?? [])
            {
                if (property.OneOf is { Count: 2 } branches
                    && branches.Count(branch => branch.Type == JsonSchemaType.Null) == 1
                    && branches.Single(branch => branch.Type != JsonSchemaType.Null) is OpenApiSchemaReference anyJson
                    && IsAnyJson(anyJson))
                {
                    owner.Properties![name] = anyJson;
                }
            }
        }
        return Task.CompletedTask;
    }

    private static bool IsAnyJson(IOpenApiSchema schema) =>
        schema.Type is null && schema.Properties is null or { Count: 0 } && schema.Enum is null or { Count: 0 }
        && schema.OneOf is null or { Count: 0 } && schema.AnyOf is null or { Count: 0 } && schema.AllOf is null or { Count: 0 }
        && schema.Items is null && schema.AdditionalProperties is null;

    /// <summary>What each tag (one per feature, set with WithTags) groups, for the document's readers.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Deposits"] = "The frontend's calls for a user's deposits: start one (bank requisites to pay to), read one, list them.",
        ["Proofs"] = "The frontend's upload of a payment proof (transaction number, amount, screenshot) for a deposit.",
        ["Gateway"] = "Called by Paykassma, not by people: the signed postback that confirms a deposit.",
        ["Payouts"] = "The merchant's back office (the payouts role): pay a user out, once per Idempotency-Key, and read the payout.",
        ["Operations"] = "For operations staff (the ops role): find deposits, proofs, postbacks, transactions and payouts; retry, reverify, approve (four eyes) and reject.",
        ["Development"] = "Development only: tokens for trying the API from Swagger UI.",
    };

    public static WebApplication MapMerchantOpenApi(this WebApplication app)
    {
        // Only the one document: any other name is an unknown route (a 404 problem), not the framework's text/plain 404.
        var document = app.MapOpenApi("/openapi/{documentName:regex(^v1$)}.json");
        if (app.SwaggerRequiresOps())
        {
            // Outside Development the document and the UI are for ops only (see OpsSession).
            document.RequireAuthorization(AuthPolicies.Ops);
            app.ProtectSwaggerUi();
        }
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "swagger";
            ui.SwaggerEndpoint("/openapi/v1.json", "Paykassma merchant API v1");
            ui.DocumentTitle = "Paykassma merchant API";
            ui.EnablePersistAuthorization();
            ui.DisplayRequestDuration();
        });
        return app;
    }
}

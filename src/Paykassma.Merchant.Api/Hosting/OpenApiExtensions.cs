using Microsoft.AspNetCore.Authorization;
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
                };
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
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }
                return Task.CompletedTask;
            });
            options.AddExamples();
        });

    public static WebApplication MapMerchantOpenApi(this WebApplication app)
    {
        var document = app.MapOpenApi("/openapi/{documentName}.json");
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

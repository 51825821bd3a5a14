using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Paykassma.Merchant.Api.Auth;

/// <summary>Whether Swagger UI and the OpenAPI document need the ops role (<c>Swagger</c> section).</summary>
public sealed class SwaggerSettings
{
    public const string SectionName = "Swagger";

    /// <summary>Default: required everywhere but Development.</summary>
    public bool? RequireOpsRole { get; set; }
}

/// <summary>
/// Lets ops open Swagger UI in a browser outside Development: they paste their token once on
/// /swagger/login, which trades it for an HttpOnly, SameSite=Strict cookie holding the same token.
/// The cookie is read only for /swagger and /openapi (GET pages); every API call still needs the
/// bearer header, so the cookie cannot be used to change anything (no CSRF surface).
/// </summary>
public static class OpsSession
{
    public const string CookieName = "paykassma_ops";

    public static RouteGroupBuilder MapOpsSession(this RouteGroupBuilder ops)
    {
        ops.MapPost("/session", Open)
            .WithName("OpsOpenSwaggerSession")
            .WithSummary("Open a Swagger UI session in this browser with the bearer token of this request")
            .AddOpenApiOperationTransformer(NoDatabase);
        ops.MapDelete("/session", Close)
            .WithName("OpsCloseSwaggerSession")
            .WithSummary("Close the Swagger UI session of this browser")
            .AddOpenApiOperationTransformer(NoDatabase);
        return ops;
    }

    /// <summary>Only a cookie is set or cleared: no database to be unavailable, nothing that could run out of time.</summary>
    private static Task NoDatabase(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses?.Remove("503");
        operation.Responses?.Remove("504");
        return Task.CompletedTask;
    }

    public static NoContent Open(HttpContext http, TimeProvider time)
    {
        var token = http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var expires = TokenExpiry.Of(http.User) ?? time.GetUtcNow().AddHours(1);
        http.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = expires,
        });
        return TypedResults.NoContent();
    }

    public static NoContent Close(HttpContext http)
    {
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }

    /// <summary>Guards Swagger UI's pages: an ops session (or bearer) or the way to the login page.</summary>
    public static WebApplication ProtectSwaggerUi(this WebApplication app)
    {
        app.MapGet("/swagger/login", () => TypedResults.Content(LoginPage, "text/html; charset=utf-8"))
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/swagger") && !http.Request.Path.StartsWithSegments("/swagger/login"),
            branch => branch.Use(async (http, next) =>
            {
                var authentication = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
                var allowed = authentication.Succeeded
                    && (await http.RequestServices.GetRequiredService<IAuthorizationService>()
                        .AuthorizeAsync(authentication.Principal!, http, AuthPolicies.Ops)).Succeeded;
                if (!allowed)
                {
                    http.Response.Redirect("/swagger/login");
                    return;
                }
                await next(http);
            }));
        return app;
    }

    public static bool SwaggerRequiresOps(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<SwaggerSettings>>().Value.RequireOpsRole ?? !app.Environment.IsDevelopment();

    private const string LoginPage = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Paykassma merchant API: ops sign-in</title>
        <style>body{font-family:sans-serif;max-width:40rem;margin:3rem auto}textarea{width:100%;height:8rem}</style></head>
        <body>
        <h1>Paykassma merchant API</h1>
        <p>Swagger UI is for operations staff. Paste your bearer token (with the ops role):</p>
        <textarea id="token" autocomplete="off" spellcheck="false"></textarea>
        <p><button id="open">Open Swagger UI</button> <span id="message" role="alert"></span></p>
        <script>
        document.getElementById('open').addEventListener('click', async () => {
          const token = document.getElementById('token').value.trim().replace(/^Bearer\s+/i, '');
          const message = document.getElementById('message');
          let answer;
          try {
            answer = await fetch('/api/ops/session', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
          } catch (error) {
            message.textContent = 'The service did not answer (' + error.message + '). Try again.';
            return;
          }
          if (answer.ok) { message.textContent = 'Opening Swagger UI...'; location.href = '/swagger/index.html'; return; }
          message.textContent = answer.status === 403
            ? 'This token has no ops role.' : 'This token is not valid (' + answer.status + ').';
        });
        </script>
        </body>
        </html>
        """;
}

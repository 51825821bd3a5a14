using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Gateway;

/// <summary>
/// The gateway answers 404 (not 401) to a call without the right <c>?secret=</c>, as if the route did
/// not exist; clients must see the same so they learn to read a 404 as "check the secret".
/// </summary>
internal sealed class PluginSecretFilter(IOptions<SandboxOptions> options) : IEndpointFilter
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(options.Value.Secret);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var sent = context.HttpContext.Request.Query["secret"];
        // Constant-time comparison, as a real gateway ought to do: it is a credential.
        var authorised = sent.Count == 1
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent[0] ?? ""), _expected);
        return authorised ? await next(context) : Results.NotFound();
    }
}

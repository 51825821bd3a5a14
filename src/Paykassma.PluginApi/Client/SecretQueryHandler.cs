using Microsoft.Extensions.Options;

namespace Paykassma.PluginApi.Client;

/// <summary>
/// Adds <c>?secret=…</c> to the request URI at the last moment, as the primary handler, and takes
/// it off again before the request travels back up. Every handler above it (HttpClientFactory's
/// request logging, resilience, anything added later) only ever sees the URI without the secret,
/// so no log line can print it, whatever that logger's redaction settings are.
/// </summary>
/// <remarks>
/// A request marked with <see cref="WithoutSecret"/> goes out as it is: the withdrawal API is shown by
/// the gateway's pages without the secret (its signature authenticates it), and a credential is not
/// sent where it is not asked for.
/// </remarks>
internal sealed class SecretQueryHandler(IOptionsMonitor<PaykassmaOptions> options) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<bool> WithoutSecret = new("paykassma.without-secret");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(WithoutSecret, out var without) && without)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var original = request.RequestUri
            ?? throw new InvalidOperationException("A gateway request needs a URI.");
        var secret = Uri.EscapeDataString(options.CurrentValue.PluginApiSecret);
        var separator = string.IsNullOrEmpty(original.Query) ? "?" : "&";
        request.RequestUri = new Uri(original.AbsoluteUri + separator + "secret=" + secret);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            request.RequestUri = original;
        }
    }
}

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Endpoint metadata: every answer of this endpoint, errors included, is written by its own writer
/// instead of as problem details. The pipeline's error paths (an exception, an empty 4xx) and its
/// checks read this, never the request path. The gateway's postback URL carries it: the gateway
/// reads {"status":…} only.
/// </summary>
public sealed record OwnErrorShape(Func<HttpContext, int, string, Task> WriteErrorAsync)
{
    public static OwnErrorShape? Of(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<OwnErrorShape>();
}

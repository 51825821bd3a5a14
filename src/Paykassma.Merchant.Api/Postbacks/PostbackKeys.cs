using Microsoft.Extensions.Options;
using Paykassma.PluginApi;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// The verifier and the gateway's time zone, built from the current settings and rebuilt when they
/// change (a key fix or a rotation through configuration reload needs no restart).
/// </summary>
public sealed class PostbackKeys : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile Snapshot _current;

    public PostbackKeys(IOptionsMonitor<PaykassmaOptions> options)
    {
        _current = Build(options.CurrentValue);
        _subscription = options.OnChange(changed => _current = Build(changed));
    }

    public PostbackVerifier Verifier => _current.Verifier;

    public GatewayTimeZone TimeZone => _current.TimeZone;

    public void Dispose() => _subscription?.Dispose();

    private static Snapshot Build(PaykassmaOptions options) => new(
        new PostbackVerifier(options.PostbackAccessKey, options.PostbackPrivateKey, options.PostbackPreviousPrivateKey),
        GatewayTimeZone.Parse(options.TimeZone));

    private sealed record Snapshot(PostbackVerifier Verifier, GatewayTimeZone TimeZone);
}

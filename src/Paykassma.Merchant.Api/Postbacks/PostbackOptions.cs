using Microsoft.Extensions.Options;
using Paykassma.PluginApi;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>Postback intake (<c>Postbacks</c> section).</summary>
public sealed class PostbackOptions
{
    public const string SectionName = "Postbacks";

    /// <summary>Largest body read. A real postback is a few KB; anything near this is not one.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;
}

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

public static class PostbackServices
{
    public static IServiceCollection AddPostbacks(this IServiceCollection services)
    {
        services.AddOptions<PostbackOptions>().BindConfiguration(PostbackOptions.SectionName)
            .Validate(o => o.MaxBodyBytes is >= 1024 and <= 16 * 1024 * 1024, "Postbacks:MaxBodyBytes must be between 1 KB and 16 MB.")
            .ValidateOnStart();
        services.AddSingleton<PostbackKeys>();
        services.AddSingleton<PostbackStore>();
        services.AddSingleton<PostbackReceiver>();
        services.AddSingleton<RejectedPostbackShield>();
        return services;
    }
}

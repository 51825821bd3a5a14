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

    /// <summary>
    /// Bytes of a rejected body kept for ops (with its length and SHA-256): enough for a real postback
    /// to be verified again after a key fix, too little for junk to matter.
    /// </summary>
    public int RejectedBodyBytesKept { get; set; } = 4 * 1024;

    /// <summary>Bytes of a duplicate's body kept: the accepted original holds the evidence; this only shows what came.</summary>
    public int DuplicateBodyBytesKept { get; set; } = 1024;

    /// <summary>
    /// Rejected bytes written per minute per instance, from all sources together (each row counted
    /// with its overhead). Beyond it rejected postbacks are answered and counted, not written: at the
    /// default, at most ~370 MB a day however many addresses a flood comes from.
    /// </summary>
    public int RejectedBytesPerMinute { get; set; } = 256 * 1024;

    /// <summary>Rejected and duplicate rows older than this are deleted; accepted and held ones are financial records and kept.</summary>
    public TimeSpan RejectedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention job looks for rows to delete.</summary>
    public TimeSpan RetentionCheckInterval { get; set; } = TimeSpan.FromHours(1);
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
            .Validate(o => o.RejectedBodyBytesKept is >= 0 and <= 1024 * 1024, "Postbacks:RejectedBodyBytesKept must be between 0 and 1 MB.")
            .Validate(o => o.DuplicateBodyBytesKept is >= 0 and <= 1024 * 1024, "Postbacks:DuplicateBodyBytesKept must be between 0 and 1 MB.")
            .Validate(o => o.RejectedBytesPerMinute >= 0, "Postbacks:RejectedBytesPerMinute must not be negative.")
            .Validate(o => o.RejectedRetention >= TimeSpan.FromHours(1), "Postbacks:RejectedRetention must be at least an hour.")
            .Validate(o => o.RetentionCheckInterval >= TimeSpan.FromSeconds(1), "Postbacks:RetentionCheckInterval must be at least a second.")
            .ValidateOnStart();
        services.AddSingleton<PostbackKeys>();
        services.AddSingleton<PostbackStore>();
        services.AddSingleton<PostbackReceiver>();
        services.AddSingleton<RejectedPostbackShield>();
        services.AddSingleton<PostbackRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<PostbackRetention>());
        return services;
    }
}

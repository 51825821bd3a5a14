namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>A deposit's live status stream, <c>GET /api/deposits/{id}/events</c> (<c>Deposits:LiveStatus</c> section, ADR 0018).</summary>
public sealed class LiveStatusOptions
{
    public const string SectionName = "Deposits:LiveStatus";

    /// <summary>
    /// The section's name until the live status got a word of its own (docs/changelog.md). A deployment
    /// that still sets it would silently run on the defaults, the stream caps included: start-up refuses it.
    /// </summary>
    public const string RenamedSection = "Deposits:Events";

    public const string RenamedSectionMessage =
        RenamedSection + " was renamed " + SectionName + ": set " + SectionName + ":HeartbeatInterval, MaxStreamsPerUser, MaxStreams, " +
        "Retention, RetentionCheckInterval, ReconnectDelay and MaxReconnectDelay instead (environment: Deposits__LiveStatus__…).";

    /// <summary>Whether any key of the renamed section is set, from any configuration source.</summary>
    public static bool SetsRenamedSection(IConfiguration configuration) =>
        configuration.AsEnumerable().Any(pair => pair.Value is not null
            && pair.Key.StartsWith(RenamedSection + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// How often an idle stream sends a <c>heartbeat</c> event, so proxies and load balancers that
    /// close quiet connections (often after 30–60 s) keep it open.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Open streams one user may hold on one instance; beyond it <c>429 too-many-streams</c>.</summary>
    public int MaxStreamsPerUser { get; set; } = 5;

    /// <summary>
    /// Open streams this instance holds, all users together; beyond it <c>503 streams-at-capacity</c>
    /// with Retry-After. It protects this process (sockets, and two statements per stream per
    /// heartbeat: ~130 a second at 1000 streams and 15 s), so it is counted here, not shared.
    /// </summary>
    public int MaxStreams { get; set; } = 1000;

    /// <summary>How long recorded changes are kept: how far back a reconnecting stream can replay.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the retention job deletes older changes.</summary>
    public TimeSpan RetentionCheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The first wait before the listener connects again after losing PostgreSQL; it doubles on each
    /// failure up to <see cref="MaxReconnectDelay"/>.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);
}

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>A deposit's live status stream, <c>GET /api/deposits/{id}/events</c> (<c>Deposits:Events</c> section, ADR 0018).</summary>
public sealed class DepositEventOptions
{
    public const string SectionName = "Deposits:Events";

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

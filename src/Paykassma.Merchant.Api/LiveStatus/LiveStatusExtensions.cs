namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>The live status slice's services and options: the stream, its listener, feed and retention (ADR 0018).</summary>
public static class LiveStatusExtensions
{
    public static IServiceCollection AddLiveStatus(this IServiceCollection services)
    {
        services.AddOptions<LiveStatusOptions>().BindConfiguration(LiveStatusOptions.SectionName)
            .Validate<IConfiguration>((_, configuration) => !LiveStatusOptions.SetsRenamedSection(configuration), LiveStatusOptions.RenamedSectionMessage)
            .Validate(o => o.HeartbeatInterval >= TimeSpan.FromSeconds(1), "Deposits:LiveStatus:HeartbeatInterval must be at least a second.")
            .Validate(o => o.MaxStreamsPerUser > 0 && o.MaxStreams > 0, "Deposits:LiveStatus:MaxStreamsPerUser and MaxStreams must be positive.")
            .Validate(o => o.Retention >= TimeSpan.FromHours(1) && o.RetentionCheckInterval >= TimeSpan.FromSeconds(1),
                "Deposits:LiveStatus:Retention must be at least an hour and RetentionCheckInterval at least a second.")
            .Validate(o => o.ReconnectDelay > TimeSpan.Zero && o.MaxReconnectDelay >= o.ReconnectDelay,
                "Deposits:LiveStatus:ReconnectDelay must be positive and at most MaxReconnectDelay.")
            .ValidateOnStart();
        services.AddSingleton<LiveStatusFeed>();
        services.AddHostedService<LiveStatusListener>();
        services.AddScoped<LiveStatusStream>();
        services.AddSingleton<LiveStatusRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveStatusRetention>());
        return services;
    }
}

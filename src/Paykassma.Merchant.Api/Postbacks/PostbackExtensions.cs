namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>The postback feature's services: intake, verification keys, storage, the rejected-bytes shield and the retention job.</summary>
public static class PostbackExtensions
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

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>The postback feature's services: intake, verification keys, storage (and its group commit), the rejected-bytes shield and the retention job.</summary>
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
            .Validate(o => o.GroupCommit.MaxBatch is >= 1 and <= 1000, "Postbacks:GroupCommit:MaxBatch must be between 1 and 1000.")
            .Validate(o => o.GroupCommit.Window >= TimeSpan.Zero && o.GroupCommit.Window <= TimeSpan.FromSeconds(1),
                "Postbacks:GroupCommit:Window must be between 0 and 1 second.")
            .Validate(o => o.GroupCommit.Parallelism is >= 1 and <= 64, "Postbacks:GroupCommit:Parallelism must be between 1 and 64.")
            .Validate(o => o.GroupCommit.ParallelAfter >= TimeSpan.Zero && o.GroupCommit.ParallelAfter <= TimeSpan.FromSeconds(1),
                "Postbacks:GroupCommit:ParallelAfter must be between 0 and 1 second.")
            .ValidateOnStart();
        services.AddSingleton<PostbackKeys>();
        services.AddSingleton<PostbackBatcher>();
        // Started (its loops) only when enabled: otherwise nothing is ever queued and the single path runs.
        services.AddHostedService(provider => provider.GetRequiredService<PostbackBatcher>());
        services.AddSingleton<PostbackStore>();
        services.AddSingleton<PostbackReceiver>();
        services.AddSingleton<RejectedPostbackShield>();
        services.AddSingleton<PostbackRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<PostbackRetention>());
        return services;
    }
}

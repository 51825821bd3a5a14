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

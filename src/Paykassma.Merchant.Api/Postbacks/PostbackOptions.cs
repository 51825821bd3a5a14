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

    /// <summary>Several concurrent postbacks stored in one transaction (one WAL flush); off unless measured to pay.</summary>
    public PostbackGroupCommitOptions GroupCommit { get; set; } = new();
}

/// <summary>
/// Group commit (<c>Postbacks:GroupCommit</c>): the postback statements that arrive together run as
/// one batch, one round trip and one transaction, and each is answered ok only after that commit
/// (ADR 0022). On by default: on this machine it stored 1.5 times as many postbacks at 32 connections
/// for half the PostgreSQL CPU per postback (bench/README.md).
/// </summary>
public sealed class PostbackGroupCommitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Most postbacks in one batch.</summary>
    public int MaxBatch { get; set; } = 32;

    /// <summary>
    /// How long a batch waits for more after its first postback. Zero: it takes what queued up while
    /// the batches before it ran, so a lone postback waits for nothing and a busy stream still batches.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Most batches in flight at once (slots), each on its own connection; a postback that finds one
    /// free is run by its own request (ADR 0029). One alone would serialize every postback on one
    /// PostgreSQL backend, and one batch waiting on a row lock would hold them all. Two, not more: on
    /// this 2-core machine more backends at once competed for the cores PostgreSQL needs, for a lower
    /// best rate (bench/README.md, "Requests that run their own batch").
    /// </summary>
    public int Parallelism { get; set; } = 2;

    /// <summary>
    /// How long the oldest queued postback waits for the running batch before the other loops (up to
    /// <see cref="Parallelism"/>) start batches beside it. Zero (the default): every loop takes at once.
    /// A few milliseconds make postbacks share one backend's commits while it keeps up, for a fifth
    /// less PostgreSQL CPU at a moderate rate, but a worse p99 (ADR 0027); a stalled batch still gets
    /// company after this long, which <c>Parallelism</c> 1 alone never gives.
    /// </summary>
    public TimeSpan ParallelAfter { get; set; } = TimeSpan.Zero;
}

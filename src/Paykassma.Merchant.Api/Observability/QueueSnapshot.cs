using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Observability;

public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>How often the gauges that need a query (queue depth, open deposits by status) are refreshed.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Where a queue's depth and the open deposits by status stop counting: a gauge at this value means
    /// "at least this many". Bounds what a round reads however large a backlog grows (GaugeSql).
    /// </summary>
    public int CountLimit { get; set; } = 10_000;
}

/// <summary>
/// Database-wide numbers for gauges, sampled in the background: a scrape must never wait on (or be
/// able to overload) the database. Every instance reports the same values. Each capability's
/// <see cref="IGaugeSource"/> says what to count and how; this runs them all in one batch per round.
/// </summary>
public sealed partial class QueueSnapshot(
    NpgsqlDataSource dataSource, IEnumerable<IGaugeSource> sources, IOptions<MetricsOptions> options,
    TimeProvider time, ILogger<QueueSnapshot> logger) : PeriodicJob(time)
{
    private readonly IReadOnlyList<IGaugeSource> _sources = [.. sources];

    protected override TimeSpan Interval => options.Value.SampleInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken)
        => RefreshAsync(cancellationToken);

    protected override void OnRoundFailed(Exception exception) => LogFailed(logger, exception);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var batch = dataSource.CreateBatch();
        foreach (var source in _sources)
        {
            source.AddTo(batch, now);
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < _sources.Count; i++)
        {
            if (i > 0)
            {
                await reader.NextResultAsync(cancellationToken);
            }
            await _sources[i].ReadAsync(reader, now, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Could not refresh the queue and deposit gauges")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

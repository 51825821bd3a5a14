using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>The attention list's gauge: unseen entries by kind, each counted from the kind's own index (ADR 0016).</summary>
public sealed class AttentionGauges(IOptions<AttentionOptions> options) : IGaugeSource
{
    private volatile IReadOnlyDictionary<string, long> _byKind = new Dictionary<string, long>();

    /// <summary>Unseen entries of the attention list by kind, every kind (0 when none) once sampled.</summary>
    public IReadOnlyDictionary<string, long> ByKind => _byKind;

    public void AddTo(NpgsqlBatch batch, DateTimeOffset now)
    {
        var counts = new NpgsqlBatchCommand(AttentionStore.UnseenCounts);
        AttentionStore.Bind(counts.Parameters, AttentionStore.UnseenCounts, options.Value, now);
        batch.BatchCommands.Add(counts);
    }

    public async Task ReadAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken) =>
        _byKind = await AttentionStore.ReadCountsAsync(reader, cancellationToken);

    public void Register(Meter meter) =>
        meter.CreateObservableGauge("paykassma.attention.items", () => ByKind
                .Select(pair => new Measurement<long>(pair.Value, new KeyValuePair<string, object?>("kind", pair.Key))),
            description: "Entries of GET /api/ops/attention by kind (every kind, 0 when none): what waits for a person, not marked seen");
}

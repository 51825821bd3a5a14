using System.Diagnostics.Metrics;
using Npgsql;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>The open deposits by status: those the expiry may still move.</summary>
public sealed class DepositGauges : IGaugeSource
{
    // Open deposits only: their number is bounded by the expiry (Deposits:ExpireAfter), while the
    // confirmed and expired ones pile up forever; counting those read the whole table every
    // refresh (its cost at scale: bench/README.md). The (status, created_at) index serves this.
    private static readonly string Open =
        $"SELECT status, count(*) FROM deposits WHERE status IN ({DepositTransitions.Moves.SqlFrom(DepositMove.Expire)}) GROUP BY status";

    private volatile IReadOnlyDictionary<string, long> _byStatus = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> ByStatus => _byStatus;

    public void AddTo(NpgsqlBatch batch, DateTimeOffset now) => batch.BatchCommands.Add(new NpgsqlBatchCommand(Open));

    public async Task ReadAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byStatus = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            byStatus[reader.GetString(0)] = reader.GetInt64(1);
        }
        _byStatus = byStatus;
    }

    public void Register(Meter meter) =>
        meter.CreateObservableGauge("paykassma.deposits", () => ByStatus
                .Select(pair => new Measurement<long>(pair.Value, new KeyValuePair<string, object?>("status", pair.Key))),
            description: "Open deposits by status (awaiting_payment, proof_submitted, pending_confirmation); "
                + "confirmations are counted by paykassma.deposits.credited");
}

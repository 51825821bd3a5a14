using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Observability;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>The open deposits by status: those the expiry may still move.</summary>
public sealed class DepositGauges(IOptions<MetricsOptions> options) : IGaugeSource
{
    // Open deposits only: the confirmed and expired ones pile up forever, and counting those read the
    // whole table every refresh (its cost at scale: bench/README.md). The open ones are bounded by the
    // expiry (Deposits:ExpireAfter), but not small at a high rate, so each status is counted up to the
    // limit from the (status, created_at) index.
    private static readonly string Open = GaugeSql.CountsByStatus("deposits", DepositTransitions.Moves.From(DepositMove.Expire));

    private volatile IReadOnlyDictionary<string, long> _byStatus = new Dictionary<string, long>();

    /// <summary>Each open status's count (0 when none) once sampled.</summary>
    public IReadOnlyDictionary<string, long> ByStatus => _byStatus;

    public void AddTo(NpgsqlBatch batch, DateTimeOffset now) => batch.BatchCommands.Add(GaugeSql.Command(Open, options.Value));

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
            description: "Open deposits by status (awaiting_payment, proof_submitted, pending_confirmation; 0 when none), "
                + "each counted up to Metrics:CountLimit: at the limit, at least that many; "
                + "confirmations are counted by paykassma.deposits.credited");
}

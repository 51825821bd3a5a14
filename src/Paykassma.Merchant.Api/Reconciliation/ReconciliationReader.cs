using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.PluginApi;

namespace Paykassma.Merchant.Api.Reconciliation;

/// <summary>One row of the report's statement: a measure's count and total for one day (and currency, and reason or type).</summary>
/// <param name="Day">1 for the report's first day.</param>
public sealed record ReconciliationRow(string Measure, int Day, string? Currency, string? Detail, long Count, decimal Total);

/// <summary>Reads the report for a range of days in <c>Ops:ReportTimeZone</c> and shapes it per day and currency.</summary>
public sealed class ReconciliationReader(
    NpgsqlDataSource dataSource, IOptions<ReconciliationOptions> options, IOptions<PaykassmaOptions> gateway,
    IOptions<PayoutOptions> payouts, TimeProvider time)
{
    private readonly GatewayTimeZone _zone = GatewayTimeZone.Parse(options.Value.ReportTimeZone);

    public async Task<ReconciliationReport> ReadAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        var starts = Enumerable.Range(0, days + 1).Select(i => _zone.StartOfDay(from.AddDays(i))).ToArray();
        var generatedAt = time.GetUtcNow();

        await using var command = dataSource.CreateCommand(ReconciliationStatements.Report);
        command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = starts });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", starts[0]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", starts[^1]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("paid", payouts.Value.PaidStatuses));
        command.Parameters.Add(new NpgsqlParameter<int[]>("cancelled", payouts.Value.CancelledStatuses));
        var rows = new List<ReconciliationRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new ReconciliationRow(
                    reader.GetString(0), reader.GetInt32(1),
                    await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetString(2),
                    await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3),
                    reader.GetInt64(4), await reader.IsDBNullAsync(5, cancellationToken) ? 0 : reader.GetDecimal(5)));
            }
        }
        return Shape(from, to, options.Value.ReportTimeZone.Trim(), generatedAt, starts, rows, ConfiguredCurrencies());
    }

    /// <summary>The currencies every day lists even when nothing moved in them, so a quiet day reads as zeros.</summary>
    private string[] ConfiguredCurrencies() =>
        new[] { gateway.Value.Currency, payouts.Value.Currency }
            .Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim().ToUpperInvariant()).Distinct().ToArray();

    internal static ReconciliationReport Shape(DateOnly from, DateOnly to, string zone, DateTimeOffset generatedAt,
        DateTimeOffset[] starts, IReadOnlyList<ReconciliationRow> rows, IEnumerable<string> configuredCurrencies)
    {
        // A currency that moved on any day of the range is listed on every day, so the days line up in a spreadsheet.
        var currencies = configuredCurrencies
            .Concat(rows.Where(r => r.Currency is not null && r.Measure != ReconciliationMeasures.Unapplied).Select(r => r.Currency!))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var byDay = rows.ToLookup(r => r.Day);
        var days = new List<ReconciliationDay>();
        for (var day = 1; day < starts.Length; day++)
        {
            var dayRows = byDay[day].ToList();
            CountAndTotal Sum(string measure, string currency)
            {
                var matching = dayRows.Where(r => r.Measure == measure && r.Currency == currency).ToList();
                return matching.Count == 0 ? CountAndTotal.Zero : new(matching.Sum(r => r.Count), matching.Sum(r => r.Total));
            }
            var perCurrency = currencies.Select(currency =>
            {
                var asked = Sum(ReconciliationMeasures.DepositsAmountDiffersAsked, currency);
                return new ReconciliationCurrencyDay(
                    currency,
                    new SignedTotals(
                        Sum(ReconciliationMeasures.DepositsConfirmed, currency),
                        Sum(ReconciliationMeasures.PayoutsPaid, currency),
                        Sum(ReconciliationMeasures.PayoutsCancelled, currency)),
                    new DepositsAmountDiffers(asked.Count, asked.Total, Sum(ReconciliationMeasures.DepositsAmountDiffersPaid, currency).Total),
                    new NotSignedTotals(
                        Sum(ReconciliationMeasures.PayoutsRefused, currency),
                        Sum(ReconciliationMeasures.PayoutsPending, currency)));
            }).ToList();
            var unapplied = dayRows.Where(r => r.Measure == ReconciliationMeasures.Unapplied)
                .OrderBy(r => r.Currency is null).ThenBy(r => r.Currency, StringComparer.Ordinal).ThenBy(r => r.Detail, StringComparer.Ordinal)
                .Select(r => new UnappliedItems(r.Detail ?? "", r.Currency, r.Count, r.Total)).ToList();
            var events = dayRows.Where(r => r.Measure == ReconciliationMeasures.EventsUndelivered)
                .OrderBy(r => r.Detail, StringComparer.Ordinal)
                .Select(r => new UndeliveredEvents(r.Detail ?? "", r.Count)).ToList();
            days.Add(new ReconciliationDay(from.AddDays(day - 1), starts[day - 1], starts[day], perCurrency, unapplied, events));
        }
        return new ReconciliationReport(from, to, zone, generatedAt, days);
    }
}

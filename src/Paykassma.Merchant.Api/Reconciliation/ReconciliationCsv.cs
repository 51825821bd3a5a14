using System.Globalization;
using System.Text;

namespace Paykassma.Merchant.Api.Reconciliation;

/// <summary>
/// The report as RFC 4180 CSV, one row per day × currency × measure ("long" form): a spreadsheet
/// filters or pivots it into any layout, measures of different grain (per currency, per reason, per
/// event type) share one table without repeating a number, and a new reason or event type adds rows,
/// never columns, so a saved import keeps working. Amounts have exactly two decimals, invariant culture.
/// </summary>
public static class ReconciliationCsv
{
    public const string MediaType = "text/csv";

    public const string Header = "date,currency,measure,detail,signed,count,amount";

    public static string Write(ReconciliationReport report)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var day in report.Days)
        {
            var date = day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var c in day.Currencies)
            {
                Row(csv, date, c.Currency, ReconciliationMeasures.DepositsConfirmed, null, true, c.Signed.DepositsConfirmed);
                Row(csv, date, c.Currency, ReconciliationMeasures.DepositsAmountDiffersAsked, null, false,
                    new(c.DepositsAmountDiffers.Count, c.DepositsAmountDiffers.AskedTotal));
                Row(csv, date, c.Currency, ReconciliationMeasures.DepositsAmountDiffersPaid, null, true,
                    new(c.DepositsAmountDiffers.Count, c.DepositsAmountDiffers.PaidTotal));
                Row(csv, date, c.Currency, ReconciliationMeasures.PayoutsPaid, null, true, c.Signed.PayoutsPaid);
                Row(csv, date, c.Currency, ReconciliationMeasures.PayoutsCancelled, null, true, c.Signed.PayoutsCancelled);
                Row(csv, date, c.Currency, ReconciliationMeasures.PayoutsRefused, null, false, c.NotSigned.PayoutsRefused);
                Row(csv, date, c.Currency, ReconciliationMeasures.PayoutsPending, null, false, c.NotSigned.PayoutsPending);
            }
            foreach (var u in day.Unapplied)
            {
                // Signed items, but money that moved nothing: signed, and listed apart from the totals above.
                Row(csv, date, u.Currency, ReconciliationMeasures.Unapplied, u.Reason, true, new(u.Count, u.Total));
            }
            foreach (var e in day.UndeliveredEvents)
            {
                Row(csv, date, null, ReconciliationMeasures.EventsUndelivered, e.Type, false, new(e.Count, 0), withAmount: false);
            }
        }
        return csv.ToString();
    }

    private static void Row(StringBuilder csv, string date, string? currency, string measure, string? detail, bool signed,
        CountAndTotal value, bool withAmount = true)
    {
        csv.Append(date).Append(',')
            .Append(Field(currency)).Append(',')
            .Append(measure).Append(',')
            .Append(Field(detail)).Append(',')
            .Append(signed ? "yes" : "no").Append(',')
            .Append(value.Count.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(withAmount ? value.Total.ToString("0.00", CultureInfo.InvariantCulture) : "")
            .Append("\r\n");
    }

    /// <summary>
    /// A text field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break (quotes
    /// doubled). A field a spreadsheet would run as a formula (= + - @ first) is prefixed with a quote
    /// mark, so no stored text becomes a formula on a finance person's machine.
    /// </summary>
    internal static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}

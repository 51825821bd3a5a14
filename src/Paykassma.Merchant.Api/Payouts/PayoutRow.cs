using System.Data.Common;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// A payout row as a statement returns it (<c>RETURNING</c>): what a request answers with, read without
/// a second query. The column list is written once here; a statement selects <see cref="List"/> and
/// <see cref="Read"/> takes them in this order from a given ordinal. <c>PayoutRowTests</c> hold it to
/// the table EF Core makes and to what EF Core reads.
/// </summary>
internal static class PayoutRow
{
    public static readonly string[] Columns =
    [
        "id", "withdrawal_id", "label", "amount", "currency", "payment_system", "is_test", "account_number", "account_name",
        "bank_details", "status", "created_by", "idempotency_key", "request_hash", "attempts", "attempt_limit", "outcome_uncertain",
        "next_attempt_at", "last_error", "gateway_message", "withdrawal_status", "reported_at", "status_conflict", "conflicting_status",
        "settled_amount", "amount_mismatch", "created_at", "updated_at", "sent_at", "stale_since", "settled_at", "attention_seen_since",
    ];

    /// <summary>The columns of the row named <paramref name="row"/> (an alias or a CTE), for a SELECT or RETURNING list.</summary>
    public static string List(string row) =>
        // bank_details as its text: the entity keeps the JSON as the string EF Core reads.
        string.Join(", ", Columns.Select(c => c == "bank_details" ? $"{row}.{c}::text" : $"{row}.{c}"));

    /// <summary>The payout in the row's columns from <paramref name="first"/> on, or null when they are null (no payout).</summary>
    public static Payout? Read(DbDataReader row, int first)
    {
        // The row is buffered (no sequential access): reading a column does not wait for the network.
        if (row.IsDBNull(first))
        {
            return null;
        }
        var i = first;
        return new Payout
        {
            Id = row.GetGuid(i++),
            WithdrawalId = row.GetString(i++),
            Label = row.GetString(i++),
            Amount = row.GetInt32(i++),
            Currency = row.GetString(i++),
            PaymentSystem = row.GetString(i++),
            IsTest = row.GetBoolean(i++),
            AccountNumber = row.GetString(i++),
            AccountName = row.GetString(i++),
            BankDetails = Text(row, i++),
            Status = SnakeCaseEnumConverter<PayoutStatus>.TryParse(row.GetString(i++), out var status)
                ? status
                : throw new InvalidOperationException("A payout row has an unknown status."),
            CreatedBy = row.GetString(i++),
            IdempotencyKey = row.GetString(i++),
            RequestHash = row.GetString(i++),
            Attempts = row.GetInt32(i++),
            AttemptLimit = row.GetInt32(i++),
            OutcomeUncertain = row.GetBoolean(i++),
            NextAttemptAt = Time(row, i++),
            LastError = Text(row, i++),
            GatewayMessage = Text(row, i++),
            WithdrawalStatus = Number(row, i++),
            ReportedAt = Time(row, i++),
            StatusConflict = row.GetBoolean(i++),
            ConflictingStatus = Number(row, i++),
            SettledAmount = Money(row, i++),
            AmountMismatch = row.GetBoolean(i++),
            CreatedAt = row.GetFieldValue<DateTimeOffset>(i++),
            UpdatedAt = row.GetFieldValue<DateTimeOffset>(i++),
            SentAt = Time(row, i++),
            StaleSince = Time(row, i++),
            SettledAt = Time(row, i++),
            AttentionSeenSince = Time(row, i),
        };
    }

    private static string? Text(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    private static int? Number(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetInt32(ordinal);

    private static decimal? Money(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetDecimal(ordinal);

    private static DateTimeOffset? Time(DbDataReader row, int ordinal) =>
        row.IsDBNull(ordinal) ? null : row.GetFieldValue<DateTimeOffset>(ordinal);
}

using System.Data.Common;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>
/// A proof row as a statement returns it (<c>RETURNING</c>), read without a second query. The column
/// list is written once here; a statement selects <see cref="ColumnList"/> and the reader takes them in
/// this order from a given ordinal.
/// </summary>
internal static class ProofRow
{
    public static readonly string[] Columns =
    [
        "id", "deposit_id", "label", "custom_transaction_id", "transaction_number", "amount", "status", "gateway_message",
        "attempts", "outcome_uncertain", "next_attempt_at", "last_error", "attempt_limit", "idempotency_key", "request_hash",
        "screenshot_file_name", "screenshot_content_type", "screenshot_size", "screenshot_sha256", "created_at", "updated_at",
        "forwarded_at", "attention_seen_since",
    ];

    public static readonly string ColumnList = string.Join(", ", Columns);

    /// <summary>The proof in the row's columns from <paramref name="first"/> on, or null when they are null (no proof).</summary>
    public static Proof? Read(DbDataReader row, int first)
    {
        // The row is buffered (no sequential access): reading a column does not wait for the network.
        if (row.IsDBNull(first))
        {
            return null;
        }
        var i = first;
        return new Proof
        {
            Id = row.GetGuid(i++),
            DepositId = row.GetGuid(i++),
            Label = row.GetString(i++),
            CustomTransactionId = row.GetString(i++),
            TransactionNumber = row.GetString(i++),
            Amount = row.GetInt32(i++),
            Status = SnakeCaseEnumConverter<ProofStatus>.TryParse(row.GetString(i++), out var status)
                ? status
                : throw new InvalidOperationException("A proof row has an unknown status."),
            GatewayMessage = Nullable<string>(row, i++),
            Attempts = row.GetInt32(i++),
            OutcomeUncertain = row.GetBoolean(i++),
            NextAttemptAt = Time(row, i++),
            LastError = Nullable<string>(row, i++),
            AttemptLimit = row.GetInt32(i++),
            IdempotencyKey = Nullable<string>(row, i++),
            RequestHash = row.GetString(i++),
            ScreenshotFileName = row.GetString(i++),
            ScreenshotContentType = row.GetString(i++),
            ScreenshotSize = row.GetInt64(i++),
            ScreenshotSha256 = row.GetString(i++),
            CreatedAt = At(row, i++),
            UpdatedAt = At(row, i++),
            ForwardedAt = Time(row, i++),
            AttentionSeenSince = Time(row, i),
        };
    }

    private static T? Nullable<T>(DbDataReader row, int ordinal) where T : class =>
        row.IsDBNull(ordinal) ? null : row.GetFieldValue<T>(ordinal);

    private static DateTimeOffset At(DbDataReader row, int ordinal) => row.GetFieldValue<DateTimeOffset>(ordinal);

    private static DateTimeOffset? Time(DbDataReader row, int ordinal) =>
        row.IsDBNull(ordinal) ? null : row.GetFieldValue<DateTimeOffset>(ordinal);
}

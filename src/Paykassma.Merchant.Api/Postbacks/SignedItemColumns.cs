using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// The signed items as the postback statement receives them (its <c>incoming</c> relation): each
/// column once, with its SQL type and how it is bound. The one-item form (scalars, which PostgreSQL
/// knows to be one row even in a generic plan), the many-item form (arrays through unnest) and both
/// bindings come from this list.
/// </summary>
internal static class SignedItemColumns
{
    public abstract class Column(string name, string sqlType)
    {
        public string Name { get; } = name;

        public string SqlType { get; } = sqlType;

        public abstract NpgsqlParameter Scalar(TransactionRow row);

        public abstract NpgsqlParameter Array(IReadOnlyList<TransactionRow> rows);
    }

    private sealed class Column<T>(string name, string sqlType, NpgsqlDbType type, Func<TransactionRow, T> value) : Column(name, sqlType)
    {
        public override NpgsqlParameter Scalar(TransactionRow row) => new() { NpgsqlDbType = type, Value = (object?)value(row) ?? DBNull.Value };

        public override NpgsqlParameter Array(IReadOnlyList<TransactionRow> rows) =>
            new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = rows.Select(value).ToArray() };
    }

    /// <summary>Text from outside, fitted to its column on whole characters.</summary>
    private static Column<string?> Text(string name, Func<TransactionRow, string?> value, int limit) =>
        new(name, "text", NpgsqlDbType.Text, r => ColumnText.Fit(value(r), limit));

    public static readonly IReadOnlyList<Column> All =
    [
        new Column<Guid>("id", "uuid", NpgsqlDbType.Uuid, r => r.Id),
        new Column<string>("direction", "text", NpgsqlDbType.Text, r => SignedPostbackReader.DirectionText(r.Direction)),
        Text("fact_key", r => r.FactKey, SignedFacts.MaxKeyLength),
        Text("transaction_id", r => r.TransactionId, ColumnLimits.GatewayText),
        Text("item_sha256", r => r.ItemSha256, ColumnLimits.Sha256Hex),
        new Column<decimal?>("amount", "numeric", NpgsqlDbType.Numeric, r => r.Amount),
        Text("amount_text", r => r.AmountText, ColumnLimits.AmountText),
        Text("currency_code", r => r.CurrencyCode, ColumnLimits.CurrencyCode),
        Text("wallet_type", r => r.WalletType, ColumnLimits.GatewayText),
        Text("custom_order_id", r => r.CustomOrderId, ColumnLimits.GatewayText),
        new Column<DateTimeOffset?>("activated_at", "timestamptz", NpgsqlDbType.TimestampTz, r => r.ActivatedAt),
        Text("activated_text", r => r.ActivatedText, ColumnLimits.GatewayDateText),
        new Column<DateTimeOffset?>("gateway_created_at", "timestamptz", NpgsqlDbType.TimestampTz, r => r.GatewayCreatedAt),
        Text("gateway_created_text", r => r.GatewayCreatedText, ColumnLimits.GatewayDateText),
        new Column<int?>("transaction_type", "int", NpgsqlDbType.Integer, r => r.TransactionType),
        Text("withdrawal_id", r => r.WithdrawalId, ColumnLimits.WithdrawalId),
        new Column<int?>("withdrawal_status", "int", NpgsqlDbType.Integer, r => r.WithdrawalStatus),
        Text("account_number", r => r.AccountNumber, ColumnLimits.GatewayText),
        // What the item alone says against applying it; the statement adds what needs our rows.
        Text("item_reason", r => r.UnappliedReason, ColumnLimits.UnappliedReason),
        // Text here, json in the table: the signed item may hold \u0000, which jsonb refuses and json keeps.
        new Column<string>("item", "text", NpgsqlDbType.Text, r => r.Item),
    ];

    /// <summary>The statement parameter that carries a column.</summary>
    public static string ParameterName(Column column) => "item_" + column.Name;

    /// <summary>One item as a one-row relation of typed scalars, in arrival position 1.</summary>
    public static string SelectOne<TContext>(StatementParameters<TContext> p) =>
        "SELECT " + string.Join(", ", All.Select(c => $"{p[ParameterName(c)]}::{c.SqlType} AS {c.Name}")) + ", 1::bigint AS ord";

    /// <summary>Any number of items as a relation of parallel arrays, numbered in arrival order (ord).</summary>
    public static string SelectMany<TContext>(StatementParameters<TContext> p) =>
        "SELECT * FROM unnest(" + string.Join(", ", All.Select(c => $"{p[ParameterName(c)]}::{c.SqlType}[]")) + ")" +
        " WITH ORDINALITY AS t(" + string.Join(", ", All.Select(c => c.Name)) + ", ord)";
}

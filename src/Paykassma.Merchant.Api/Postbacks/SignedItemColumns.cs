using Npgsql;
using NpgsqlTypes;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// The one description of a signed item's columns: each once, with its SQL type, its length limit,
/// how it is bound and whether (and as what) it is stored in <c>gateway_transactions</c>. The
/// statement's <c>incoming</c> relation in its one-item form (scalars, which PostgreSQL knows to be one
/// row even in a generic plan) and its many-item form (arrays through unnest), both bindings, the
/// columns the postback statement inserts and the lengths EF Core gives the table all come from this
/// list (ADR 0023: adding a signed column is the entity's property, one line here, the migration).
/// </summary>
internal static class SignedItemColumns
{
    public abstract class Column(string name, string sqlType)
    {
        public string Name { get; } = name;

        public string SqlType { get; } = sqlType;

        /// <summary>The longest text the column holds (values are fitted to it on whole characters); null when not text.</summary>
        public int? MaxLength { get; init; }

        /// <summary>Stored in gateway_transactions under its name; false for what only the statement reads.</summary>
        public bool Stored { get; init; } = true;

        /// <summary>The table's type when it is not <see cref="SqlType"/> (the statement casts to it as it inserts).</summary>
        public string? StoredType { get; init; }

        /// <summary>The entity property the column maps to (EF Core names columns in snake case).</summary>
        public string Property => string.Concat(Name.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

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
    private static Column<string?> Text(string name, Func<TransactionRow, string?> value, int limit, bool stored = true) =>
        new(name, "text", NpgsqlDbType.Text, r => ColumnText.Fit(value(r), limit)) { MaxLength = limit, Stored = stored };

    public static readonly IReadOnlyList<Column> All =
    [
        new Column<Guid>("id", "uuid", NpgsqlDbType.Uuid, r => r.Id),
        new Column<string>("direction", "text", NpgsqlDbType.Text, r => SignedPostbackReader.DirectionText(r.Direction)) { MaxLength = 16 },
        Text("fact_key", r => r.FactKey, SignedFacts.MaxKeyLength),
        Text("transaction_id", r => r.TransactionId, ColumnLimits.GatewayText),
        Text("item_sha256", r => r.ItemSha256, ColumnLimits.Sha256Hex),
        new Column<decimal?>("amount", "numeric", NpgsqlDbType.Numeric, r => r.Signed.Amount),
        Text("amount_text", r => r.Signed.AmountText, ColumnLimits.AmountText),
        Text("currency_code", r => r.Signed.CurrencyCode, ColumnLimits.CurrencyCode),
        Text("wallet_type", r => r.Signed.WalletType, ColumnLimits.GatewayText),
        Text("custom_order_id", r => r.Signed.CustomOrderId, ColumnLimits.GatewayText),
        new Column<DateTimeOffset?>("activated_at", "timestamptz", NpgsqlDbType.TimestampTz, r => r.ActivatedAt),
        Text("activated_text", r => r.ActivatedText, ColumnLimits.GatewayDateText),
        new Column<DateTimeOffset?>("gateway_created_at", "timestamptz", NpgsqlDbType.TimestampTz, r => r.GatewayCreatedAt),
        Text("gateway_created_text", r => r.GatewayCreatedText, ColumnLimits.GatewayDateText),
        new Column<int?>("transaction_type", "int", NpgsqlDbType.Integer, r => r.Signed.TransactionType),
        Text("withdrawal_id", r => r.WithdrawalId, ColumnLimits.WithdrawalId),
        new Column<int?>("withdrawal_status", "int", NpgsqlDbType.Integer, r => r.Signed.WithdrawalStatus),
        Text("account_number", r => r.Signed.AccountNumber, ColumnLimits.GatewayText),
        // What the item alone says against applying it; the statement stores its own verdict (unapplied_reason).
        Text("item_reason", r => r.UnappliedReason, ColumnLimits.UnappliedReason, stored: false),
        // Text here, json in the table: the signed item may hold \u0000, which jsonb refuses and json keeps.
        new Column<string>("item", "text", NpgsqlDbType.Text, r => r.Item) { StoredType = "json" },
    ];

    /// <summary>The columns stored as they arrive.</summary>
    public static readonly IReadOnlyList<Column> StoredAsSent = [.. All.Where(c => c.Stored)];

    /// <summary>The stored columns' names, for an INSERT's column list.</summary>
    public static string StoredNames => string.Join(", ", StoredAsSent.Select(c => c.Name));

    /// <summary>The stored columns' values read from <paramref name="alias"/> (cast where the table's type differs), in <see cref="StoredNames"/>' order.</summary>
    public static string StoredValues(string alias) =>
        string.Join(", ", StoredAsSent.Select(c => c.StoredType is null ? $"{alias}.{c.Name}" : $"{alias}.{c.Name}::{c.StoredType}"));

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

using Paykassma.Merchant.Api.Payouts;

namespace Paykassma.Merchant.Api.Events;

/// <summary>
/// The <c>data</c> of every event, field by field, written once: the SQL that builds it in the
/// statement making the change (<see cref="EventStatements"/>) and the schema that documents it
/// (<c>GET /api/ops/events</c>, docs/api.md) both come from these lists, so a field cannot be added to
/// one and forgotten in the other. Money is written as everywhere else: a JSON number without
/// trailing zeros (<c>300</c>, <c>300.5</c>), never the <c>300.00</c> of a numeric(20,2) column.
/// </summary>
internal static class EventData
{
    public enum Kind
    {
        Id,
        Text,
        NullableText,
        WholeAmount,
        NullableWholeAmount,
        NullableMoney,
        Flag,
        NullableCode,
        DepositStatus,
        PayoutStatus,
        ProofStatus,
    }

    /// <summary>One member of an event's data: its JSON name, its SQL from the changed row (named by the caller), its kind.</summary>
    public sealed record Field(string Name, Func<string, string> Sql, Kind Kind, string Description, bool Optional = false);

    /// <summary>A deposit event's data, from a row of <c>deposits</c> (or a RETURNING with its columns).</summary>
    public static readonly Field[] Deposit =
    [
        new("depositId", d => $"{d}.id", Kind.Id, "The deposit."),
        new("label", d => $"{d}.label", Kind.Text, "The user (the gateway's label)."),
        new("amount", d => Money($"{d}.confirmed_amount"), Kind.NullableMoney, "The signed total credited so far; null until confirmed."),
        new("requestedAmount", d => $"{d}.amount", Kind.NullableWholeAmount, "The amount asked for at creation, or null."),
        new("currency", d => $"{d}.currency", Kind.Text, "ISO 4217 code (BTN)."),
        new("status", d => $"{d}.status", Kind.DepositStatus, "The deposit's status after the change."),
        new("amountMismatch", d => $"{d}.amount_mismatch", Kind.Flag, "The signed amount differs from what the user claimed."),
        new("amountDiffers", d => $"{d}.amount_differs", Kind.Flag, "Confirmed for another total than requestedAmount."),
    ];

    /// <summary>A payout event's data, from a row of <c>payouts</c>. Only a paid payout has a settled amount.</summary>
    public static readonly Field[] Payout =
    [
        new("payoutId", p => $"{p}.id", Kind.Id, "The payout."),
        new("withdrawalId", p => $"{p}.withdrawal_id", Kind.Text, "Its id at the gateway."),
        new("label", p => $"{p}.label", Kind.Text, "The user paid out."),
        new("amount", p => $"{p}.amount", Kind.WholeAmount, "The amount asked for."),
        new("settledAmount", p => $"CASE WHEN {p}.status = {PayoutTransitions.Moves.SqlTo(PayoutMove.Pay)} THEN {Money($"{p}.settled_amount")} END",
            Kind.NullableMoney, "The signed amount paid: set only when status is paid (a cancellation settles no money)."),
        new("currency", p => $"{p}.currency", Kind.Text, "ISO 4217 code (BTN)."),
        new("status", p => $"{p}.status", Kind.PayoutStatus, "The payout's status after the change."),
        new("amountMismatch", p => $"{p}.amount_mismatch", Kind.Flag, "The gateway signed another amount than ours."),
        new("withdrawalStatus", p => $"{p}.withdrawal_status", Kind.NullableCode, "The last withdrawal_status the gateway signed, or null."),
        new("gatewayMessage", p => $"{p}.gateway_message", Kind.NullableText, "The gateway's message, or null."),
        // Added by the statements that need them (PayoutStatements.Reject, the postback's conflict).
        new("reason", _ => "NULL", Kind.Text, "payout.rejected only: why ops turned it down.", Optional: true),
        new("conflictingStatus", _ => "NULL", Kind.NullableCode, "payout.status_conflict only: the contradicting withdrawal_status.", Optional: true),
    ];

    /// <summary>A proof event's data, from a row of <c>proofs</c> (its currency is its deposit's).</summary>
    public static readonly Field[] Proof =
    [
        new("proofId", p => $"{p}.id", Kind.Id, "The proof."),
        new("depositId", p => $"{p}.deposit_id", Kind.Id, "Its deposit."),
        new("label", p => $"{p}.label", Kind.Text, "The user."),
        new("amount", p => $"{p}.amount", Kind.WholeAmount, "The amount the user claimed."),
        new("currency", p => $"(SELECT d.currency FROM deposits d WHERE d.id = {p}.deposit_id)", Kind.Text, "ISO 4217 code (BTN)."),
        new("status", p => $"{p}.status", Kind.ProofStatus, "The proof's status after the change."),
        new("gatewayMessage", p => $"{p}.gateway_message", Kind.NullableText, "The gateway's message, or null."),
    ];

    /// <summary>The jsonb object of <paramref name="fields"/> for the row <paramref name="row"/> (optional fields are added by their statements).</summary>
    public static string Sql(IEnumerable<Field> fields, string row) =>
        "jsonb_build_object(" + string.Join(", ", fields.Where(f => !f.Optional).Select(f => $"'{f.Name}', {f.Sql(row)}")) + ")";

    /// <summary>
    /// A numeric money column as the API writes money: trim_scale drops the trailing zeros of its
    /// numeric(20,2) scale (300.00 → 300, 300.50 → 300.5), so to_jsonb writes what MoneyJsonConverter writes.
    /// </summary>
    public static string Money(string column) => $"trim_scale({column})";
}

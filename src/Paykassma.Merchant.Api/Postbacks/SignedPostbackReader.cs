using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.PluginApi;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// One signed item ready to store; every value comes from the signed data. It holds what the reader
/// works out (the fact key, the instants, the fitted ids); what is stored as sent is read from
/// <see cref="Signed"/> by <see cref="SignedItemColumns"/>, so such a column is not spelled here.
/// </summary>
public sealed record TransactionRow
{
    public required Guid Id { get; init; }

    public required TransactionDirection Direction { get; init; }

    /// <summary>What makes this signed fact the same as one stored before (<see cref="SignedFacts.KeyOf"/>, ADR 0014).</summary>
    public required string FactKey { get; init; }

    /// <summary>The gateway's id of the item; null when it carries none.</summary>
    public string? TransactionId { get; init; }

    /// <summary>SHA-256 (hex) of the signed item, when neither a transaction id nor a withdrawal fact identifies it.</summary>
    public string? ItemSha256 { get; init; }

    public DateTimeOffset? ActivatedAt { get; init; }

    public string? ActivatedText { get; init; }

    public DateTimeOffset? GatewayCreatedAt { get; init; }

    public string? GatewayCreatedText { get; init; }

    public string? WithdrawalId { get; init; }

    /// <summary>Why it cannot credit, judged from the item alone; the database adds what needs our rows (no matching proof, …).</summary>
    public string? UnappliedReason { get; init; }

    /// <summary>The signed item as the gateway signed it.</summary>
    public required string Item { get; init; }

    /// <summary>The item as read: the fields stored as sent come from here (<see cref="SignedItemColumns"/>).</summary>
    public required SignedTransaction Signed { get; init; }
}

/// <summary>An unsigned field that disagrees with the signed data: recorded for ops, never used.</summary>
public sealed record Discrepancy(string Field, string? Unsigned, string? Signed);

/// <summary>
/// Turns a verified postback into rows to store. Only signed values count: the top-level amount,
/// label, direction, currency and wallet type are compared with the signed data and every
/// disagreement is recorded, but nothing is taken from them. Never refuses an item: an odd one is
/// stored with the reason it cannot credit.
/// </summary>
public static class SignedPostbackReader
{
    /// <summary>
    /// Far above any deposit, far below what the deposit's numeric(20,2) total can hold: a larger
    /// signed amount is kept and flagged rather than overflowing the credit.
    /// </summary>
    public const decimal MaxCreditableAmount = 1_000_000_000_000m;

    public static (IReadOnlyList<TransactionRow> Rows, IReadOnlyList<Discrepancy> Discrepancies) Read(
        ParsedPostback postback, GatewayTimeZone zone, TimeProvider time, Payouts.PayoutOptions payouts)
    {
        var discrepancies = new List<Discrepancy>();
        var envelope = postback.Unsigned;
        var rows = new List<TransactionRow>(postback.Transactions.Length);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signed in postback.Transactions)
        {
            var direction = DirectionOf(signed);
            if (envelope.Direction is { } claimed && claimed != DirectionText(direction))
            {
                discrepancies.Add(new Discrepancy("direction", claimed, DirectionText(direction)));
            }
            var transactionId = ColumnText.Fit(signed.TransactionId, ColumnLimits.GatewayText);
            var withdrawalId = ColumnText.Fit(signed.WithdrawalId, ColumnLimits.WithdrawalId);
            // Kept whenever there is no id, so ops can tell such items apart; the key needs it when no withdrawal fact names the item.
            var itemSha256 = transactionId is null ? Convert.ToHexStringLower(SHA256.HashData(signed.Json.Span)) : null;
            var factKey = SignedFacts.KeyOf(direction, transactionId, withdrawalId, signed.WithdrawalStatus, itemSha256);
            // One fact listed twice in one postback is still one fact.
            if (!seen.Add(factKey))
            {
                continue;
            }
            Compare(discrepancies, "currency_code", envelope.CurrencyCode, signed.CurrencyCode);
            Compare(discrepancies, "wallet_type", envelope.WalletType, signed.WalletType);
            var activatedAt = zone.ToUtc(signed.ActivatedDateTime);
            var createdAt = zone.ToUtc(signed.CreatedDateTime);
            rows.Add(new TransactionRow
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()),
                Direction = direction,
                FactKey = factKey,
                TransactionId = transactionId,
                ItemSha256 = itemSha256,
                ActivatedAt = activatedAt,
                ActivatedText = Unrepresented(signed.ActivatedDateTime, activatedAt),
                GatewayCreatedAt = createdAt,
                GatewayCreatedText = Unrepresented(signed.CreatedDateTime, createdAt),
                WithdrawalId = withdrawalId,
                UnappliedReason = UnappliedReasonOf(signed, direction, payouts),
                Item = Encoding.UTF8.GetString(signed.Json.Span),
                Signed = signed,
            });
        }

        // The top-level amount is unsigned: if it is none of the signed amounts, someone changed it.
        if (envelope.AmountText is { } topAmount && rows.Count > 0
            && !rows.Any(r => r.Signed.Amount is { } a && decimal.TryParse(topAmount, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t == a))
        {
            discrepancies.Add(new Discrepancy("amount", topAmount, string.Join(",", rows.Select(r => r.Signed.AmountText))));
        }
        return (rows, discrepancies.Distinct().ToList());
    }

    /// <summary>The discrepancies as a JSON list for a jsonb column (which cannot hold NUL, so it is replaced).</summary>
    public static string? ToJson(IReadOnlyList<Discrepancy> discrepancies) =>
        discrepancies.Count == 0 ? null : JsonSerializer.Serialize(discrepancies.Select(d => new Dictionary<string, string?>
        {
            ["field"] = d.Field,
            ["unsigned"] = d.Unsigned?.Replace('\0', '\uFFFD'),
            ["signed"] = d.Signed?.Replace('\0', '\uFFFD'),
        }));

    public static string DirectionText(TransactionDirection direction) => SnakeCaseEnumConverter<TransactionDirection>.ToText(direction);

    /// <summary>
    /// Signed data alone decides: a withdrawal is known by its signed withdrawal_id (or status), and
    /// anything else is a deposit. The unsigned top-level direction only gets compared, so a replay
    /// with "outgoing" cannot hide a deposit, nor "ingoing" turn a withdrawal into credit.
    /// </summary>
    private static TransactionDirection DirectionOf(SignedTransaction signed) =>
        signed.WithdrawalId is not null || signed.WithdrawalStatus is not null ? TransactionDirection.Outgoing : TransactionDirection.Ingoing;

    /// <summary>
    /// What in the item itself stops it from crediting a deposit or reporting on a payout. A withdrawal
    /// status in none of the configured lists (paid, cancelled, interim) is kept for ops, never guessed;
    /// whether a payout matches, and whether the status can still apply to it, is the database's to judge.
    /// A withdrawal needs no transaction id: its signed withdrawal_id names our payout.
    /// </summary>
    private static string? UnappliedReasonOf(SignedTransaction signed, TransactionDirection direction, Payouts.PayoutOptions payouts)
    {
        if (!signed.IsObject)
        {
            return UnappliedReasons.NotAnObject;
        }
        if (direction == TransactionDirection.Outgoing)
        {
            return signed.WithdrawalStatus is { } status && payouts.KnowsWithdrawalStatus(status)
                ? null
                : UnappliedReasons.UnknownWithdrawalStatus;
        }
        if (signed.TransactionId is null)
        {
            return UnappliedReasons.NoTransactionId;
        }
        return signed.Amount switch
        {
            null => UnappliedReasons.AmountUnreadable,
            <= 0 => UnappliedReasons.AmountNotPositive,
            >= MaxCreditableAmount => UnappliedReasons.AmountTooLarge,
            _ when string.IsNullOrWhiteSpace(signed.CurrencyCode) => UnappliedReasons.NoCurrency,
            _ => null,
        };
    }

    private static string? Unrepresented(string? signedText, DateTimeOffset? parsed) =>
        parsed is null && !string.IsNullOrEmpty(signedText) ? signedText : null;

    private static void Compare(List<Discrepancy> discrepancies, string field, string? unsigned, string? signed)
    {
        if (unsigned is not null && signed is not null && !string.Equals(unsigned, signed, StringComparison.OrdinalIgnoreCase))
        {
            discrepancies.Add(new Discrepancy(field, unsigned, signed));
        }
    }
}

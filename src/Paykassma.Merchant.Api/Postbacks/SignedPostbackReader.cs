using System.Globalization;
using System.Text;
using System.Text.Json;
using Paykassma.PluginApi;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>One signed transaction ready to store; every value comes from the signed data.</summary>
public sealed record TransactionRow(
    Guid Id,
    TransactionDirection Direction,
    string TransactionId,
    decimal? Amount,
    string? AmountText,
    string? CurrencyCode,
    string? WalletType,
    string? CustomOrderId,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? GatewayCreatedAt,
    int? TransactionType,
    string? WithdrawalId,
    int? WithdrawalStatus,
    string? AccountNumber,
    string Item);

/// <summary>An unsigned field that disagrees with the signed data: recorded for ops, never used.</summary>
public sealed record Discrepancy(string Field, string? Unsigned, string? Signed);

/// <summary>
/// Turns a verified postback into rows to store. Only signed values count: the top-level amount,
/// label, direction, currency and wallet type are compared with the signed data and every
/// disagreement is recorded, but nothing is taken from them that the signed data contradicts.
/// </summary>
public static class SignedPostbackReader
{
    public static (IReadOnlyList<TransactionRow> Rows, IReadOnlyList<Discrepancy> Discrepancies) Read(
        ParsedPostback postback, GatewayTimeZone zone, TimeProvider time)
    {
        var discrepancies = new List<Discrepancy>();
        var envelope = postback.Unsigned;
        var rows = new List<TransactionRow>(postback.Transactions.Length);
        var seen = new HashSet<(TransactionDirection, string)>();
        foreach (var signed in postback.Transactions)
        {
            var direction = DirectionOf(signed, envelope.Direction, discrepancies);
            // A transaction listed twice in one postback is still one transaction.
            if (!seen.Add((direction, signed.TransactionId)))
            {
                continue;
            }
            Compare(discrepancies, "currency_code", envelope.CurrencyCode, signed.CurrencyCode);
            Compare(discrepancies, "wallet_type", envelope.WalletType, signed.WalletType);
            rows.Add(new TransactionRow(
                Guid.CreateVersion7(time.GetUtcNow()),
                direction,
                signed.TransactionId,
                signed.Amount,
                signed.AmountText,
                signed.CurrencyCode,
                signed.WalletType,
                signed.CustomOrderId,
                zone.ToUtc(signed.ActivatedDateTime),
                zone.ToUtc(signed.CreatedDateTime),
                signed.TransactionType,
                signed.WithdrawalId,
                signed.WithdrawalStatus,
                signed.AccountNumber,
                Encoding.UTF8.GetString(signed.Json.Span)));
        }

        // The top-level amount is unsigned: if it is none of the signed amounts, someone changed it.
        if (envelope.AmountText is { } topAmount && rows.Count > 0
            && !rows.Any(r => r.Amount is { } a && decimal.TryParse(topAmount, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t == a))
        {
            discrepancies.Add(new Discrepancy("amount", topAmount, string.Join(",", rows.Select(r => r.AmountText))));
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

    /// <summary>
    /// The top-level direction is unsigned. Signed withdrawal data (withdrawal_id/status) makes a
    /// transaction outgoing whatever the top level says; a top level claiming "outgoing" without it
    /// is believed (an outgoing row confirms no deposit) but recorded.
    /// </summary>
    private static TransactionDirection DirectionOf(SignedTransaction signed, string? unsigned, List<Discrepancy> discrepancies)
    {
        var signedOutgoing = signed.WithdrawalId is not null || signed.WithdrawalStatus is not null;
        if (signedOutgoing)
        {
            if (unsigned is not null && unsigned != "outgoing")
            {
                discrepancies.Add(new Discrepancy("direction", unsigned, "outgoing (signed withdrawal data)"));
            }
            return TransactionDirection.Outgoing;
        }
        if (unsigned == "outgoing")
        {
            discrepancies.Add(new Discrepancy("direction", unsigned, "no withdrawal data in the signed transaction"));
            return TransactionDirection.Outgoing;
        }
        if (unsigned is not null && unsigned != "ingoing")
        {
            discrepancies.Add(new Discrepancy("direction", unsigned, "ingoing"));
        }
        return TransactionDirection.Ingoing;
    }

    private static void Compare(List<Discrepancy> discrepancies, string field, string? unsigned, string? signed)
    {
        if (unsigned is not null && signed is not null && !string.Equals(unsigned, signed, StringComparison.OrdinalIgnoreCase))
        {
            discrepancies.Add(new Discrepancy(field, unsigned, signed));
        }
    }
}

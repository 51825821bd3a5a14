using System.Globalization;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// What identifies one signed fact from the gateway (ADR 0014), as the unique key of
/// <c>gateway_transactions.fact_key</c>: a fact is stored once however often it is delivered, and a
/// different fact is never mistaken for a redelivery.
/// <list type="bullet">
/// <item>A withdrawal's status: <c>withdrawal:{status}:{withdrawal_id}</c>. A withdrawal is reported
/// once per status it reaches, with the same transaction id, another, or none, so the signed
/// (withdrawal_id, withdrawal_status) is the fact; the transaction id is not part of it.</item>
/// <item>A deposit (or any other item with an id): <c>{direction}:tx:{transaction_id}</c>.</item>
/// <item>An item with neither (or a withdrawal whose status is no number): <c>{direction}:sha256:{hash
/// of its signed bytes}</c>, so only a byte-identical redelivery is the same fact.</item>
/// </list>
/// Values are the stored (fitted) ones, so the key agrees with the row it names.
/// </summary>
public static class SignedFacts
{
    public const int MaxKeyLength = 256;

    public static string KeyOf(TransactionDirection direction, string? transactionId, string? withdrawalId, int? withdrawalStatus,
        string? itemSha256)
    {
        if (withdrawalId is not null && withdrawalStatus is { } status)
        {
            return "withdrawal:" + status.ToString(CultureInfo.InvariantCulture) + ":" + withdrawalId;
        }
        var prefix = SignedPostbackReader.DirectionText(direction);
        return transactionId is not null
            ? prefix + ":tx:" + transactionId
            : prefix + ":sha256:" + (itemSha256 ?? throw new ArgumentNullException(nameof(itemSha256), "An item without an id needs its hash."));
    }

    /// <summary>
    /// The keys under which an item carrying <paramref name="transactionId"/> may be stored as its own
    /// fact (a deposit, or an outgoing item that is no withdrawal fact): what ops search by. Withdrawal
    /// facts are found by their transaction_id column instead (a small partial index).
    /// </summary>
    public static string[] KeysForTransactionId(string transactionId) =>
    [
        KeyOf(TransactionDirection.Ingoing, transactionId, null, null, null),
        KeyOf(TransactionDirection.Outgoing, transactionId, null, null, null),
    ];

    /// <summary>
    /// The stored facts that carry any of <paramref name="transactionIds"/>, found through their indexes
    /// (the fact key, and the withdrawal facts' transaction ids): ops' search by a gateway id.
    /// </summary>
    public static IQueryable<GatewayTransaction> CarryingAny(this IQueryable<GatewayTransaction> transactions,
        IReadOnlyCollection<string> transactionIds)
    {
        var keys = transactionIds.SelectMany(KeysForTransactionId).ToList();
        var ids = transactionIds.ToList();
        return transactions.Where(t => keys.Contains(t.FactKey) || (t.WithdrawalId != null && ids.Contains(t.TransactionId!)));
    }
}

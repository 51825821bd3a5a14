using System.Globalization;
using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>
/// Which <c>transaction_id</c> a withdrawal's status postbacks carry. The gateway may report each status
/// with the same item id or with none at all (a public integration's model of the withdrawal postback has
/// no transaction id), so a merchant must identify a withdrawal fact by its signed withdrawal_id and status.
/// </summary>
public enum WithdrawalTransactionIds
{
    /// <summary>The withdrawal's one 12-digit id on every status.</summary>
    [JsonStringEnumMemberName("same")]
    Same,

    /// <summary>The withdrawal's id on the first status, a fresh one on each later status.</summary>
    [JsonStringEnumMemberName("per_status")]
    PerStatus,

    /// <summary><c>"transaction_id":null</c> on every status.</summary>
    [JsonStringEnumMemberName("none")]
    None,
}

/// <summary>The transaction_id of one status postback: the withdrawal's, a fresh one, or none.</summary>
public enum TransactionIdChoice
{
    [JsonStringEnumMemberName("same")]
    Same,

    [JsonStringEnumMemberName("new")]
    New,

    [JsonStringEnumMemberName("none")]
    None,
}

internal static class WithdrawalTransactionIdNames
{
    public const string Modes = "same, per_status, none";
    public const string Choices = "same, new, none";

    public static bool TryParse(string? text, out WithdrawalTransactionIds mode)
    {
        (var known, mode) = text?.Trim().ToLowerInvariant() switch
        {
            "same" => (true, WithdrawalTransactionIds.Same),
            "per_status" => (true, WithdrawalTransactionIds.PerStatus),
            "none" => (true, WithdrawalTransactionIds.None),
            _ => (false, default),
        };
        return known;
    }

    public static bool TryParse(string? text, out TransactionIdChoice choice)
    {
        (var known, choice) = text?.Trim().ToLowerInvariant() switch
        {
            "same" => (true, TransactionIdChoice.Same),
            "new" => (true, TransactionIdChoice.New),
            "none" => (true, TransactionIdChoice.None),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>What a withdrawal's mode means for its status number <paramref name="index"/> (0 for the first reported).</summary>
    public static TransactionIdChoice ForStatus(this WithdrawalTransactionIds mode, int index) => mode switch
    {
        WithdrawalTransactionIds.Same => TransactionIdChoice.Same,
        WithdrawalTransactionIds.PerStatus => index == 0 ? TransactionIdChoice.Same : TransactionIdChoice.New,
        _ => TransactionIdChoice.None,
    };
}

/// <summary>
/// What the sandbox reports by itself for an accepted withdrawal: the interim statuses, in order, then the
/// final one. No final status (the "not settled" account): nothing at all, until /settle.
/// </summary>
/// <param name="InterimStatuses">Reported before the final one, each by its own postback.</param>
/// <param name="FinalStatus">Paid or cancelled; null: the withdrawal waits for /settle.</param>
/// <param name="TransactionIds">Which transaction_id each status postback carries.</param>
internal sealed record WithdrawalPlan(IReadOnlyList<int> InterimStatuses, int? FinalStatus, WithdrawalTransactionIds TransactionIds)
{
    /// <summary>Every status to report, in order; empty when there is no final status.</summary>
    public IReadOnlyList<int> Statuses => FinalStatus is { } final ? [.. InterimStatuses, final] : [];
}

/// <summary>Reads <c>Sandbox:WithdrawalInterimStatuses</c>: whole numbers of 0 or more separated by commas; empty means none.</summary>
internal static class WithdrawalStatusList
{
    public const int MaxStatuses = 20;

    public static bool TryParse(string? text, out IReadOnlyList<int> statuses)
    {
        statuses = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        List<int> parsed = [];
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                return false;
            }

            parsed.Add(status);
        }

        statuses = parsed;
        return parsed.Count <= MaxStatuses;
    }
}

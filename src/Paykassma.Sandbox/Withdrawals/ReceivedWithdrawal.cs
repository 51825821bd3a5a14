using System.Text.Json.Serialization;
using Paykassma.Sandbox.Gateway;
using Paykassma.Sandbox.Postbacks;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>
/// The <c>withdrawal_status</c> values the sandbox chooses by itself. The gateway publishes none: an old
/// back-office enum reads 0 not activated, 1 activated (paid), 3 pending, 4 in processing and 6 cancelled;
/// any other value can be sent with /settle.
/// </summary>
public static class WithdrawalStatuses
{
    public const int Paid = 1;
    public const int Cancelled = 6;
}

/// <summary>One status the sandbox reported for a withdrawal, by a postback: an interim one or an outcome.</summary>
/// <param name="WithdrawalStatus">The signed <c>withdrawal_status</c> sent.</param>
/// <param name="PostbackId">The postback that carries it (see /sandbox/postbacks/{id}).</param>
/// <param name="SettledAt">When the gateway reached the status (the postback's <c>activated_datetime</c>).</param>
/// <param name="Automatic">True when the sandbox reported it by itself; false for /settle.</param>
/// <param name="TransactionId">The item's <c>transaction_id</c>; null when it was sent without one.</param>
public sealed record WithdrawalSettlement(int WithdrawalStatus, long PostbackId, DateTimeOffset SettledAt, bool Automatic, string? TransactionId)
{
    /// <summary>The postback itself, kept here so a redelivery has its bytes even after the postback list forgot it.</summary>
    [JsonIgnore]
    internal PostbackRecord? Postback { get; init; }
}

/// <summary>A withdrawal the sandbox accepted (its withdrawal_id is taken), and what became of it.</summary>
public sealed class ReceivedWithdrawal
{
    private readonly Lock _lock = new();
    private readonly List<WithdrawalSettlement> _settlements = [];
    private int _repeatedSubmissions;

    /// <summary>Order of arrival; the listings sort on it because clock readings can tie.</summary>
    public required long Sequence { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string WithdrawalId { get; init; }
    public required string PaymentSystem { get; init; }
    public required long Amount { get; init; }
    public required string CurrencyCode { get; init; }
    public required bool IsTest { get; init; }
    public required string Label { get; init; }
    public required string AccountNumber { get; init; }
    public required string AccountName { get; init; }
    public required IReadOnlyDictionary<string, string>? BankDetails { get; init; }

    /// <summary>
    /// The gateway's own 12-digit id for the payout: the <c>transaction_id</c> of its postbacks unless
    /// <see cref="TransactionIds"/> says otherwise (each settlement shows the one it carried).
    /// </summary>
    public required string TransactionId { get; init; }

    /// <summary>Which transaction_id its status postbacks carry (Sandbox:WithdrawalTransactionIds, or its account number).</summary>
    public required WithdrawalTransactionIds TransactionIds { get; init; }

    /// <summary>What the client was answered (ok, or the 500 of a crash after accepting).</summary>
    public required GatewayAnswer Answer { get; init; }

    /// <summary>The status the sandbox settles it with by itself; null: it waits for /settle.</summary>
    public required int? PlannedStatus { get; init; }

    /// <summary>The statuses the sandbox reports by itself before <see cref="PlannedStatus"/>, in order.</summary>
    public required IReadOnlyList<int> InterimStatuses { get; init; }

    /// <summary>The latest status reported; null until a postback was built for it.</summary>
    public int? Status
    {
        get
        {
            lock (_lock)
            {
                return _settlements.Count == 0 ? null : _settlements[^1].WithdrawalStatus;
            }
        }
    }

    /// <summary>Every status reported, oldest first: the interim ones, the outcome, and any sent by /settle.</summary>
    public IReadOnlyList<WithdrawalSettlement> Settlements
    {
        get
        {
            lock (_lock)
            {
                return [.. _settlements];
            }
        }
    }

    /// <summary>A cancelled payout gives its amount back to the balance.</summary>
    [JsonIgnore]
    public bool HoldsBalance => Status != WithdrawalStatuses.Cancelled;

    /// <summary>Later requests with the same withdrawal_id (all answered "already taken").</summary>
    public int RepeatedSubmissions => Volatile.Read(ref _repeatedSubmissions);

    internal void CountRepeatedSubmission() => Interlocked.Increment(ref _repeatedSubmissions);

    internal void RecordSettlement(WithdrawalSettlement settlement)
    {
        lock (_lock)
        {
            _settlements.Add(settlement);
        }
    }
}

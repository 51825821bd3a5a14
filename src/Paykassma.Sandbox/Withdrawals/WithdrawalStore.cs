using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>The payout balance as the sandbox keeps it.</summary>
/// <param name="Balance">Sandbox:WithdrawalBalance.</param>
/// <param name="Held">The amounts of accepted withdrawals that are not cancelled.</param>
/// <param name="Available">What the next withdrawal may take at most.</param>
public sealed record WithdrawalBalance(long Balance, long Held, long Available);

internal enum WithdrawalAcceptance
{
    Accepted,
    Taken,
    InsufficientBalance,
}

/// <summary>
/// The withdrawals accepted, in memory, keyed by withdrawal_id. Uniqueness and the balance are decided
/// under one lock, so two concurrent requests can neither both take an id nor both spend the last money.
/// </summary>
public sealed partial class WithdrawalStore(
    IEnumerable<IWithdrawalAcceptedListener> listeners,
    IOptions<WithdrawalOptions> options,
    ILogger<WithdrawalStore> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReceivedWithdrawal> _byId = new(StringComparer.Ordinal);
    private readonly IWithdrawalAcceptedListener[] _listeners = listeners.ToArray();
    private readonly long _balance = options.Value.WithdrawalBalance;
    private long _sequence;

    public ReceivedWithdrawal? Find(string withdrawalId)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(withdrawalId);
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<ReceivedWithdrawal> List()
    {
        lock (_lock)
        {
            return _byId.Values.OrderByDescending(withdrawal => withdrawal.Sequence).ToArray();
        }
    }

    /// <summary>Forgets everything: the ids are free again and the whole balance is back (tests reset with it).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _byId.Clear();
        }
    }

    public WithdrawalBalance Balance()
    {
        lock (_lock)
        {
            var held = Held();
            return new(_balance, held, Math.Max(0, _balance - held));
        }
    }

    internal async ValueTask<(WithdrawalAcceptance Acceptance, ReceivedWithdrawal? Withdrawal)> TryAcceptAsync(
        SubmittedWithdrawal submitted, DateTimeOffset receivedAt, GatewayAnswer answer, WithdrawalPlan plan)
    {
        ReceivedWithdrawal withdrawal;
        lock (_lock)
        {
            if (_byId.TryGetValue(submitted.WithdrawalId, out var earlier))
            {
                earlier.CountRepeatedSubmission();
                return (WithdrawalAcceptance.Taken, earlier);
            }

            // Amounts are each at most the balance, so the sum cannot overflow.
            if (submitted.Amount > _balance - Held())
            {
                return (WithdrawalAcceptance.InsufficientBalance, null);
            }

            withdrawal = new ReceivedWithdrawal
            {
                Sequence = ++_sequence,
                ReceivedAt = receivedAt,
                WithdrawalId = submitted.WithdrawalId,
                PaymentSystem = submitted.PaymentSystem,
                Amount = submitted.Amount,
                CurrencyCode = submitted.CurrencyCode,
                IsTest = submitted.IsTest,
                Label = submitted.Label,
                AccountNumber = submitted.AccountNumber,
                AccountName = submitted.AccountName,
                BankDetails = submitted.BankDetails,
                TransactionId = GatewayIds.NewTransactionId(),
                Answer = answer,
                PlannedStatus = plan.FinalStatus,
                InterimStatuses = plan.FinalStatus is null ? [] : plan.InterimStatuses,
                TransactionIds = plan.TransactionIds,
            };
            _byId.Add(withdrawal.WithdrawalId, withdrawal);
        }

        await NotifyListenersAsync(withdrawal);
        return (WithdrawalAcceptance.Accepted, withdrawal);
    }

    // Under the lock.
    private long Held() => _byId.Values.Where(withdrawal => withdrawal.HoldsBalance).Sum(withdrawal => withdrawal.Amount);

    private async ValueTask NotifyListenersAsync(ReceivedWithdrawal withdrawal)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                // Not the request's token: the gateway has taken the withdrawal even if the caller hangs up now.
                await listener.OnWithdrawalAcceptedAsync(withdrawal, CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogListenerFailed(logger, exception, listener.GetType().Name, withdrawal.WithdrawalId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Listener {Listener} failed for accepted withdrawal {WithdrawalId}")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string listener, string withdrawalId);
}

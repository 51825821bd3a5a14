using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Deposits;

/// <summary>One create-deposit call as received (fields as sent, <c>null</c> when missing) and what it was answered.</summary>
public sealed record ReceivedDepositRequest(
    long Sequence,
    DateTimeOffset ReceivedAt,
    string WalletType,
    string? Currency,
    string? Label,
    GatewayAnswer Answer);

/// <summary>The create-deposit calls received, in memory, so tests and developers can see what a client sent.</summary>
public sealed class DepositRequestLog
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedDepositRequest> _requests = [];
    private long _sequence;

    internal ReceivedDepositRequest Record(DateTimeOffset receivedAt, string walletType, string? currency, string? label, GatewayAnswer answer)
    {
        lock (_gate)
        {
            var request = new ReceivedDepositRequest(++_sequence, receivedAt, walletType, currency, label, answer);
            _requests.Add(request);
            return request;
        }
    }

    /// <summary>Newest first, as a person scanning for the call they just made wants them.</summary>
    public IReadOnlyList<ReceivedDepositRequest> List()
    {
        lock (_gate)
        {
            return _requests.AsEnumerable().Reverse().ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }
}

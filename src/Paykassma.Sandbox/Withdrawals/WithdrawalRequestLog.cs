using System.Text.Json;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>One withdrawal-create call as received, and what it was answered.</summary>
/// <param name="Body">The JSON as sent (signature included: it is the merchant's, not a key); null when it was not JSON.</param>
/// <param name="JoinedValues">
/// The string whose md5 the signature must cover, as the sandbox joined it; null when the fields were
/// invalid. Compare it with the client's own when the answer is "Withdrawal signature is invalid".
/// </param>
public sealed record ReceivedWithdrawalRequest(
    long Sequence,
    DateTimeOffset ReceivedAt,
    string? WithdrawalId,
    JsonElement? Body,
    string? JoinedValues,
    GatewayAnswer Answer);

/// <summary>
/// Every withdrawal-create call that reached the handler, refused ones too, so that a developer can see
/// why a request was turned away: the accepted ones alone are in <see cref="WithdrawalStore"/>.
/// </summary>
public sealed class WithdrawalRequestLog
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedWithdrawalRequest> _requests = [];
    private long _sequence;

    internal void Record(DateTimeOffset receivedAt, WithdrawalForm.Result read, GatewayAnswer answer)
    {
        lock (_gate)
        {
            _requests.Add(new ReceivedWithdrawalRequest(++_sequence, receivedAt, read.WithdrawalId, read.Body, read.JoinedValues, answer));
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<ReceivedWithdrawalRequest> List()
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

using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// How a queue's attempt results map onto the named moves of its state machine, written once in its
/// transitions file: the status each result writes, and the one status every result starts from
/// (the claimed one, the fence of the recording statement).
/// </summary>
public sealed class AttemptMoves<TStatus, TMove>
    where TStatus : struct, Enum
    where TMove : struct, Enum
{
    private readonly IReadOnlyDictionary<AttemptResult, TMove> _moves;

    public AttemptMoves(StatusMachine<TStatus, TMove> machine, IReadOnlyDictionary<AttemptResult, TMove> moves)
    {
        if (!moves.ContainsKey(AttemptResult.Delivered) || !moves.ContainsKey(AttemptResult.Retry) || !moves.ContainsKey(AttemptResult.GiveUp))
        {
            throw new ArgumentException("Every queue maps Delivered, Retry and GiveUp to a move.", nameof(moves));
        }
        Machine = machine;
        _moves = moves;
        Claimed = machine.SharedFrom(moves.Values);
    }

    public StatusMachine<TStatus, TMove> Machine { get; }

    /// <summary>The status a claimed row holds while its attempt runs: every outcome starts from it.</summary>
    public TStatus Claimed { get; }

    public IEnumerable<TMove> Moves => _moves.Values;

    public TMove Move(AttemptResult result) =>
        _moves.TryGetValue(result, out var move) ? move : throw new InvalidOperationException($"This queue has no move for {result}.");

    public TStatus To(AttemptResult result) => Machine.To(Move(result));

    /// <summary>The result's status as the column stores it: the recording statement's status parameter.</summary>
    public string Text(AttemptResult result) => SnakeCaseEnumConverter<TStatus>.ToText(To(result));

    /// <summary>The result's status as an SQL literal, for a statement's CASE on the moved row.</summary>
    public string Sql(AttemptResult result) => SnakeCaseEnumConverter<TStatus>.SqlLiteral(To(result));

    /// <summary>The claimed status as an SQL literal: the recording statement's status guard.</summary>
    public string SqlClaimed => SnakeCaseEnumConverter<TStatus>.SqlLiteral(Claimed);
}

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>
/// A state machine as data: for each named move, the statuses it may start from and the one it ends
/// in. Statements take their status guards from it as SQL literals, spelled as the column stores
/// them; build them once (static readonly), since they are hot-path statements.
/// </summary>
public sealed class StatusMachine<TStatus, TMove>(IReadOnlyDictionary<TMove, (TStatus[] From, TStatus To)> moves)
    where TStatus : struct, Enum
    where TMove : struct, Enum
{
    public IReadOnlyDictionary<TMove, (TStatus[] From, TStatus To)> All => moves;

    public IReadOnlyList<TStatus> From(TMove move) => moves[move].From;

    public TStatus To(TMove move) => moves[move].To;

    /// <summary>The one status a move starts from, for a guarded EF Core update (<c>status = …</c>).</summary>
    public TStatus SingleFrom(TMove move) => moves[move].From.Single();

    /// <summary>
    /// The one status every one of <paramref name="outcomes"/> starts from: the guard of a statement that
    /// records any of them (an attempt's outcome is written only while the row is still claimed).
    /// </summary>
    public TStatus SharedFrom(IEnumerable<TMove> outcomes) =>
        outcomes.SelectMany(From).Distinct().Single();

    /// <summary>Whether some move takes a row from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool Allows(TStatus from, TStatus to) =>
        moves.Values.Any(m => EqualityComparer<TStatus>.Default.Equals(m.To, to) && m.From.Contains(from));

    /// <summary>The move's from-statuses as an SQL list of quoted values, in enum order.</summary>
    public string SqlFrom(TMove move) => SnakeCaseEnumConverter<TStatus>.SqlList(From(move));

    /// <summary>Every status the move may NOT start from, as an SQL list.</summary>
    public string SqlNotFrom(TMove move) => SnakeCaseEnumConverter<TStatus>.SqlList(Enum.GetValues<TStatus>().Except(From(move)));

    /// <summary>The move's target as a quoted SQL literal.</summary>
    public string SqlTo(TMove move) => SnakeCaseEnumConverter<TStatus>.SqlLiteral(To(move));

    /// <summary>The moves' targets as an SQL list of quoted values, in enum order.</summary>
    public string SqlToAny(params IEnumerable<TMove> moves) => SnakeCaseEnumConverter<TStatus>.SqlList(moves.Select(To));
}

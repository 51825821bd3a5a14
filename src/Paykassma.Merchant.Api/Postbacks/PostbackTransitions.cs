using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// How a received postback's outcome is decided, each named after what decides it. The first four
/// start from nothing: the statement that stores the postback writes its outcome.
/// </summary>
public enum PostbackMove
{
    /// <summary>Verified and stored, and at least one of its items was new (or it carried none and was not seen before).</summary>
    Accept,

    /// <summary>Verified, and every item in it was already stored: a redelivery.</summary>
    Repeat,

    /// <summary>Not verified (or not readable): kept with its reason.</summary>
    Reject,

    /// <summary>Verified, but the database refused to apply it: kept whole for ops.</summary>
    Hold,

    /// <summary>Ops re-verify a stored rejected or held postback that now verifies: it is claimed as accepted.</summary>
    Reverify,

    /// <summary>The re-verified postback's items were all stored already (a redelivery came through meanwhile).</summary>
    RepeatOnReverify,
}

/// <summary>
/// The postback outcome state machine: every statement that writes <c>postbacks.outcome</c> takes its
/// values from here. Only ops move a stored postback, and only out of <c>rejected</c> or <c>held</c>.
/// </summary>
public static class PostbackTransitions
{
    public static readonly StatusMachine<PostbackOutcome, PostbackMove> Moves = new(new Dictionary<PostbackMove, (PostbackOutcome[], PostbackOutcome)>
    {
        [PostbackMove.Accept] = ([], PostbackOutcome.Accepted),
        [PostbackMove.Repeat] = ([], PostbackOutcome.Duplicate),
        [PostbackMove.Reject] = ([], PostbackOutcome.Rejected),
        [PostbackMove.Hold] = ([], PostbackOutcome.Held),
        [PostbackMove.Reverify] = ([PostbackOutcome.Rejected, PostbackOutcome.Held], PostbackOutcome.Accepted),
        [PostbackMove.RepeatOnReverify] = ([PostbackOutcome.Accepted], PostbackOutcome.Duplicate),
    });

    /// <summary>One outcome as an SQL literal: <c>'held'</c>.</summary>
    public static string Sql(PostbackOutcome outcome) => SnakeCaseEnumConverter<PostbackOutcome>.SqlLiteral(outcome);
}

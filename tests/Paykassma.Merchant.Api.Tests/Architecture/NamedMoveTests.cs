using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Architecture;

/// <summary>
/// Every status change is a named move of its table: the postback outcome's table, and the moves that
/// record what a dispatched attempt came to (one statement writes any of them, guarded by the claim).
/// </summary>
public sealed class NamedMoveTests
{
    private static readonly StatusMachine<PostbackOutcome, PostbackMove> Postbacks = PostbackTransitions.Moves;

    [Fact]
    public void Every_postback_outcome_takes_part_and_every_move_is_in_the_table() => StateMachineFacts.AssertComplete(Postbacks);

    [Fact]
    public void The_postback_outcome_literals_are_the_check_constraint_values() =>
        Assert.Equal(StateMachineFacts.CheckConstraintValues<PostbackRecord>("ck_postbacks_outcome").Order(),
            StateMachineFacts.EmittedValues(Postbacks));

    [Fact]
    public void Only_ops_reverification_moves_a_stored_postback_and_only_out_of_rejected_or_held()
    {
        Assert.Equal([PostbackMove.Reverify, PostbackMove.RepeatOnReverify],
            Postbacks.All.Where(m => m.Value.From.Length > 0).Select(m => m.Key).Order());
        Assert.Equal([PostbackOutcome.Rejected, PostbackOutcome.Held], Postbacks.From(PostbackMove.Reverify));
        Assert.Equal(PostbackOutcome.Accepted, Postbacks.SingleFrom(PostbackMove.RepeatOnReverify));
    }

    [Fact]
    public void A_reverified_postback_ends_as_a_received_one_would()
    {
        Assert.Equal(Postbacks.To(PostbackMove.Accept), Postbacks.To(PostbackMove.Reverify));
        Assert.Equal(Postbacks.To(PostbackMove.Repeat), Postbacks.To(PostbackMove.RepeatOnReverify));
    }

    [Fact]
    public void A_payout_attempt_records_every_move_out_of_the_claim_alone() =>
        AssertAttemptOutcomes(PayoutTransitions.Moves, PayoutMove.Claim, PayoutTransitions.AttemptOutcomes);

    [Fact]
    public void An_event_attempt_records_every_move_out_of_the_claim_alone() =>
        AssertAttemptOutcomes(EventTransitions.Moves, EventMove.Claim, EventTransitions.AttemptOutcomes);

    [Fact]
    public void Outcomes_that_start_from_different_statuses_have_no_shared_guard() =>
        Assert.Throws<InvalidOperationException>(() => PayoutTransitions.Moves.SharedFrom([PayoutMove.Send, PayoutMove.Approve]));

    [Fact]
    public void A_new_event_is_due_for_the_claim() =>
        Assert.Contains(EventTransitions.Emitted, EventTransitions.Moves.From(EventMove.Claim));

    /// <summary>The outcomes start from the claimed status only, and every move that does so is one of them.</summary>
    private static void AssertAttemptOutcomes<TStatus, TMove>(StatusMachine<TStatus, TMove> machine, TMove claim, TMove[] outcomes)
        where TStatus : struct, Enum where TMove : struct, Enum
    {
        var claimed = machine.To(claim);
        Assert.Equal(claimed, machine.SharedFrom(outcomes));
        Assert.Equal(machine.All.Where(m => m.Value.From.SequenceEqual([claimed])).Select(m => m.Key).Order(), outcomes.Order());
    }
}

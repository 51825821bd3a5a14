using Paykassma.Merchant.Api.Payouts;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>The payout state machine's table, against the rules, the schema and the documented lifecycle.</summary>
public sealed class PayoutTransitionsTests
{
    private static readonly StatusMachine<PayoutStatus, PayoutMove> Machine = PayoutTransitions.Moves;

    [Theory]
    [InlineData(PayoutStatus.Paid)]
    [InlineData(PayoutStatus.Cancelled)]
    [InlineData(PayoutStatus.Rejected)]
    public void Paid_cancelled_and_rejected_are_final(PayoutStatus final) =>
        Assert.DoesNotContain(Machine.All.Values, m => m.From.Contains(final));

    [Fact]
    public void Nothing_is_sent_or_settled_before_approval()
    {
        var outOfWaiting = Machine.All.Where(m => m.Value.From.Contains(PayoutStatus.AwaitingApproval)).Select(m => m.Key).Order();
        Assert.Equal([PayoutMove.Approve, PayoutMove.Reject], outOfWaiting);
        Assert.DoesNotContain(PayoutStatus.Approved, Machine.From(PayoutMove.Pay));
    }

    [Fact]
    public void Every_outcome_of_an_attempt_needs_the_claim()
    {
        foreach (var move in new[] { PayoutMove.Send, PayoutMove.Refuse, PayoutMove.Queue, PayoutMove.GiveUp })
        {
            Assert.Equal(PayoutStatus.Sending, Machine.SingleFrom(move));
        }
    }

    [Fact]
    public void An_approval_and_an_ops_retry_end_where_a_claim_starts_so_their_statements_claim_the_attempt_too()
    {
        // PayoutStatements.Approve and Retry make the move and the request's claim in one update (ADR 0025).
        Assert.Contains(Machine.To(PayoutMove.Approve), Machine.From(PayoutMove.Claim));
        Assert.Contains(Machine.To(PayoutMove.Retry), Machine.From(PayoutMove.Claim));
        Assert.Equal(Machine.SqlTo(PayoutMove.Claim), PayoutTransitions.SqlClaimedAfter(PayoutMove.Approve));
        Assert.Throws<InvalidOperationException>(() => PayoutTransitions.SqlClaimedAfter(PayoutMove.Send));
    }

    [Fact]
    public void A_postback_settles_from_exactly_the_statuses_in_which_the_gateway_may_have_it()
    {
        PayoutStatus[] mayBeAtGateway = [PayoutStatus.Sending, PayoutStatus.Sent, PayoutStatus.Queued, PayoutStatus.Failed, PayoutStatus.Refused];
        Assert.Equal(mayBeAtGateway.Order(), Machine.From(PayoutMove.Pay).Order());
        Assert.Equal(mayBeAtGateway.Order(), Machine.From(PayoutMove.Cancel).Order());
    }

    [Fact]
    public void Every_status_takes_part_and_every_move_is_in_the_table() => StateMachineFacts.AssertComplete(Machine);

    [Fact]
    public void The_emitted_literals_are_the_check_constraint_values() =>
        Assert.Equal(StateMachineFacts.CheckConstraintValues<Payout>("ck_payouts_status").Order(), StateMachineFacts.EmittedValues(Machine));

    [Fact]
    public void The_claim_matches_its_index() =>
        Assert.Equal($"status IN ({Machine.SqlFrom(PayoutMove.Claim)})", StateMachineFacts.IndexFilter<Payout>("ix_payouts_due"));

    [Fact]
    public void The_documented_lifecycle_follows_the_table()
    {
        var steps = StateMachineFacts.ReadmeSteps("Payout: ");
        Assert.Equal(["awaiting_approval", "approved", "sending", "sent|refused|queued", "paid|cancelled"], steps.Select(s => string.Join('|', s)));
        foreach (var (from, to) in steps.Zip(steps.Skip(1)))
        {
            var reachable = from.Select(Parse).SelectMany(a => StateMachineFacts.Reachable(Machine, a)).ToHashSet();
            Assert.All(to, b => Assert.Contains(Parse(b), reachable));
        }
    }

    private static PayoutStatus Parse(string text) =>
        SnakeCaseEnumConverter<PayoutStatus>.TryParse(text, out var status) ? status : throw new Xunit.Sdk.XunitException($"docs/api.md names {text}");
}

using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>The proof state machine's table, against the rules, the schema and the documented lifecycle.</summary>
public sealed class ProofTransitionsTests
{
    private static readonly StatusMachine<ProofStatus, ProofMove> Machine = ProofTransitions.Moves;

    [Theory]
    [InlineData(ProofStatus.Forwarded)]
    [InlineData(ProofStatus.Rejected)]
    public void Forwarded_and_rejected_are_final(ProofStatus final) =>
        Assert.DoesNotContain(Machine.All.Values, m => m.From.Contains(final));

    [Fact]
    public void Only_ops_take_a_failed_proof_back_and_a_postback_may_deliver_it()
    {
        var outOfFailed = Machine.All.Where(m => m.Value.From.Contains(ProofStatus.Failed)).Select(m => m.Key).Order();
        Assert.Equal([ProofMove.Requeue, ProofMove.DeliveredByPostback], outOfFailed);
    }

    [Fact]
    public void Every_outcome_of_an_attempt_needs_the_claim()
    {
        foreach (var move in new[] { ProofMove.Forward, ProofMove.Reject, ProofMove.Queue, ProofMove.GiveUp })
        {
            Assert.Equal(ProofStatus.Submitting, Machine.SingleFrom(move));
        }
    }

    [Fact]
    public void Every_status_takes_part_and_every_move_is_in_the_table() => StateMachineFacts.AssertComplete(Machine);

    [Fact]
    public void The_emitted_literals_are_the_check_constraint_values() =>
        Assert.Equal(StateMachineFacts.CheckConstraintValues<Proof>("ck_proofs_status").Order(), StateMachineFacts.EmittedValues(Machine));

    [Fact]
    public void Sql_lists_are_in_enum_order_and_the_claim_matches_its_index()
    {
        Assert.Equal("'submitting', 'queued', 'failed'", Machine.SqlFrom(ProofMove.DeliveredByPostback));
        Assert.Equal("'forwarded', 'rejected'", Machine.SqlNotFrom(ProofMove.DeliveredByPostback));
        Assert.Equal($"status IN ({Machine.SqlFrom(ProofMove.Claim)})", StateMachineFacts.IndexFilter<Proof>("ix_proofs_due"));
    }

    [Fact]
    public void The_documented_lifecycle_follows_the_table()
    {
        var steps = StateMachineFacts.ReadmeSteps("Proof: ");
        Assert.Equal(["submitting", "forwarded|rejected|queued", "failed"], steps.Select(s => string.Join('|', s)));
        foreach (var (from, to) in steps.Zip(steps.Skip(1)))
        {
            var reachable = from.Select(Parse).SelectMany(a => StateMachineFacts.Reachable(Machine, a)).ToHashSet();
            Assert.All(to, b => Assert.Contains(Parse(b), reachable));
        }
    }

    private static ProofStatus Parse(string text) =>
        SnakeCaseEnumConverter<ProofStatus>.TryParse(text, out var status) ? status : throw new Xunit.Sdk.XunitException($"docs/api.md names {text}");
}

using Paykassma.Merchant.Api.Deposits;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Deposits;

/// <summary>The deposit state machine's table, against the rules, the schema and the documented lifecycle.</summary>
public sealed class DepositTransitionsTests
{
    private static readonly StatusMachine<DepositStatus, DepositMove> Machine = DepositTransitions.Moves;

    [Fact]
    public void Nothing_moves_out_of_confirmed() =>
        Assert.All(Machine.All.Values.Where(m => m.From.Contains(DepositStatus.Confirmed)),
            m => Assert.Equal(DepositStatus.Confirmed, m.To));

    [Fact]
    public void Money_after_expiry_confirms_the_deposit() =>
        Assert.True(Machine.Allows(DepositStatus.Expired, DepositStatus.Confirmed));

    [Fact]
    public void No_move_goes_backwards_except_confirming_an_expired_deposit()
    {
        var backwards = Machine.All.Values
            .SelectMany(m => m.From.Where(from => from.CompareTo(m.To) > 0).Select(from => (from, m.To)))
            .ToList();
        Assert.Equal([(DepositStatus.Expired, DepositStatus.Confirmed)], backwards);
    }

    [Fact]
    public void Every_status_takes_part_and_every_move_is_in_the_table() => StateMachineFacts.AssertComplete(Machine);

    [Fact]
    public void The_emitted_literals_are_the_check_constraint_values() =>
        Assert.Equal(StateMachineFacts.CheckConstraintValues<Deposit>("ck_deposits_status").Order(), StateMachineFacts.EmittedValues(Machine));

    [Fact]
    public void Sql_lists_are_in_enum_order_and_expiry_matches_its_index()
    {
        Assert.Equal("'awaiting_payment', 'proof_submitted', 'pending_confirmation'", Machine.SqlFrom(DepositMove.Expire));
        Assert.Equal("'expired'", Machine.SqlTo(DepositMove.Expire));
        Assert.Equal($"status IN ({Machine.SqlFrom(DepositMove.Expire)})",
            StateMachineFacts.IndexFilter<Deposit>("ix_deposits_unconfirmed_created_at"));
    }

    [Fact]
    public void The_documented_lifecycle_follows_the_table()
    {
        var steps = StateMachineFacts.ReadmeSteps("Deposit: ");
        Assert.Equal(["awaiting_payment", "proof_submitted", "pending_confirmation", "confirmed"], steps.Select(s => Assert.Single(s)));
        foreach (var (from, to) in steps.Zip(steps.Skip(1)))
        {
            Assert.True(SnakeCaseEnumConverter<DepositStatus>.TryParse(from[0], out var a));
            Assert.True(SnakeCaseEnumConverter<DepositStatus>.TryParse(to[0], out var b));
            Assert.True(Machine.Allows(a, b), $"docs/api.md: {from[0]} → {to[0]} is not a move");
        }
    }
}

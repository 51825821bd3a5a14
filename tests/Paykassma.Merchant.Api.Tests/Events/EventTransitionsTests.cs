using Paykassma.Merchant.Api.Events;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Events;

/// <summary>The outbox event state machine's table, against the rules and the schema.</summary>
public sealed class EventTransitionsTests
{
    private static readonly StatusMachine<EventStatus, EventMove> Machine = EventTransitions.Moves;

    [Fact]
    public void Every_outcome_of_an_attempt_needs_the_claim()
    {
        foreach (var move in new[] { EventMove.Deliver, EventMove.Retry, EventMove.GiveUp })
        {
            Assert.Equal(EventStatus.Delivering, Machine.SingleFrom(move));
        }
    }

    [Fact]
    public void Only_ops_take_an_event_out_of_failed_or_delivered() =>
        Assert.Equal([EventMove.Redeliver],
            Machine.All.Where(m => m.Value.From.Contains(EventStatus.Failed) || m.Value.From.Contains(EventStatus.Delivered)).Select(m => m.Key));

    [Fact]
    public void Every_status_takes_part_and_every_move_is_in_the_table() => StateMachineFacts.AssertComplete(Machine);

    [Fact]
    public void The_emitted_literals_are_the_check_constraint_values_and_the_claim_matches_its_index()
    {
        Assert.Equal(StateMachineFacts.CheckConstraintValues<OutboxEvent>("ck_outbox_events_status").Order(),
            StateMachineFacts.EmittedValues(Machine));
        Assert.Equal($"status IN ({Machine.SqlFrom(EventMove.Claim)})", StateMachineFacts.IndexFilter<OutboxEvent>("ix_outbox_events_due"));
    }

    [Fact]
    public void Every_event_type_is_emitted_by_some_statement()
    {
        var statements = string.Join('\n', typeof(EventStatements).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Statements", StringComparison.Ordinal))
            .Where(t => !t.ContainsGenericParameters)
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            .Where(f => f.FieldType == typeof(string) || f.FieldType == typeof(Paykassma.Merchant.Api.Postbacks.PostbackStatement)
                        || (f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(NamedStatement<>)))
            .Select(f => f.GetValue(null) switch
            {
                Paykassma.Merchant.Api.Postbacks.PostbackStatement statement => statement.Text,
                string text => text,
                // A statement written with named parameters (the recording of an attempt, an insert).
                { } named => (string)named.GetType().GetProperty("Text")!.GetValue(named)!,
                null => "",
            }));
        foreach (var type in EventTypes.All)
        {
            // payout.<status> events are emitted as 'payout.' || status, from the payout state machine's
            // statuses; any other type (payout.status_conflict) is written out.
            var emitted = statements.Contains($"'{type}", StringComparison.Ordinal)
                || (type.StartsWith("payout.", StringComparison.Ordinal)
                    && statements.Contains("'payout.' ||", StringComparison.Ordinal)
                    && Enum.GetValues<Paykassma.Merchant.Api.Payouts.PayoutStatus>()
                        .Any(s => SnakeCaseEnumConverter<Paykassma.Merchant.Api.Payouts.PayoutStatus>.ToText(s) == type["payout.".Length..]));
            Assert.True(emitted, $"{type} is emitted by no statement");
        }
    }
}

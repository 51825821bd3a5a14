using Npgsql;
using Paykassma.Merchant.Api.Dispatching;

namespace Paykassma.Merchant.Api.Events;

/// <summary>
/// What an event's delivery attempt sends, as its claim returns it (<see cref="EventStatements.ClaimDue"/>).
/// Its <see cref="AttemptLimit"/> is <c>Events:Dispatcher:MaxAttempts</c>, bound into the claim: events
/// carry no allowance of their own, and a redelivery starts their count again (ADR 0020).
/// </summary>
public sealed record ClaimedEvent(Guid Id, string Type, DateTimeOffset CreatedAt, string Data, int Attempts, int AttemptLimit) : IDispatchedItem
{
    /// <summary>The claim's RETURNING list (the claimed row is <c>x</c>), in the order <see cref="Read"/> reads it.</summary>
    internal static string Columns(string attemptLimit) => $"x.id, x.type, x.created_at, x.data::text, x.attempts, {attemptLimit}::int";

    internal static ClaimedEvent Read(NpgsqlDataReader row) => new(row.GetGuid(0), row.GetString(1),
        row.GetFieldValue<DateTimeOffset>(2), row.GetString(3), row.GetInt32(4), row.GetInt32(5));
}

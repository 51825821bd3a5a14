using Paykassma.Merchant.Api.Dispatching;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Events;

/// <summary>The outbox event status moves.</summary>
public enum EventMove
{
    /// <summary>A dispatcher claims a due event: a pending one, or one whose attempt's lease lapsed.</summary>
    Claim,

    /// <summary>The receiver answered 2xx.</summary>
    Deliver,

    /// <summary>No 2xx; another attempt follows after a back-off.</summary>
    Retry,

    /// <summary>No 2xx, and it was the last attempt allowed.</summary>
    GiveUp,

    /// <summary>Ops send it again (a failed one, or a delivered one the ledger lost).</summary>
    Redeliver,
}

/// <summary>The outbox event state machine: every statement that changes <c>outbox_events.status</c> takes its statuses from here.</summary>
public static class EventTransitions
{
    public static readonly StatusMachine<EventStatus, EventMove> Moves = new(new Dictionary<EventMove, (EventStatus[], EventStatus)>
    {
        [EventMove.Claim] = ([EventStatus.Pending, EventStatus.Delivering], EventStatus.Delivering),
        [EventMove.Deliver] = ([EventStatus.Delivering], EventStatus.Delivered),
        [EventMove.Retry] = ([EventStatus.Delivering], EventStatus.Pending),
        [EventMove.GiveUp] = ([EventStatus.Delivering], EventStatus.Failed),
        [EventMove.Redeliver] = ([EventStatus.Failed, EventStatus.Delivered], EventStatus.Pending),
    });

    /// <summary>Where a new event starts: due for its first delivery attempt.</summary>
    public const EventStatus Emitted = EventStatus.Pending;

    /// <summary>
    /// What a claimed delivery attempt can come to, as moves; each starts from the claimed status, and
    /// the one statement that records an attempt (<c>EventStatements.RecordAttempt</c>) writes any of
    /// them. A ledger has no refusal: every answer but a 2xx is a retry.
    /// </summary>
    public static readonly AttemptMoves<EventStatus, EventMove> Attempt = new(Moves, new Dictionary<AttemptResult, EventMove>
    {
        [AttemptResult.Delivered] = EventMove.Deliver,
        [AttemptResult.Retry] = EventMove.Retry,
        [AttemptResult.GiveUp] = EventMove.GiveUp,
    });

    /// <summary>The moves an attempt can make.</summary>
    public static readonly EventMove[] AttemptOutcomes = [.. Attempt.Moves];

    /// <summary>One status as an SQL literal: <c>'pending'</c>.</summary>
    public static string Sql(EventStatus status) => SnakeCaseEnumConverter<EventStatus>.SqlLiteral(status);
}

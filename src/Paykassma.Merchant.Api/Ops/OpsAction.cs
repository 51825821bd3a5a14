namespace Paykassma.Merchant.Api.Ops;

/// <summary>
/// Every ops action that changes state, named after its subject and what was done to it. A new action
/// is a value here and a row in <see cref="OpsAudit.Actions"/> (its subject, whether it needs a reason);
/// the check constraint follows the enum, so its migration is generated.
/// </summary>
public enum OpsActionType
{
    PayoutApprove,
    PayoutReject,
    PayoutRetry,
    ProofRetry,
    EventRedeliver,
    PostbackReverify,

    /// <summary>An attention list entry was looked at (the note says what was done); its subject type depends on the entry's kind.</summary>
    AttentionSeen,
}

/// <summary>What an ops action was done to; its id is <see cref="OpsAction.SubjectId"/>.</summary>
public enum OpsSubjectType
{
    Payout,
    Proof,
    Event,
    Postback,
    Deposit,

    /// <summary>A signed gateway transaction (an item of a postback).</summary>
    Transaction,
}

/// <summary>
/// One ops action, written by the statement that made the change it records (<see cref="OpsAudit.Record"/>),
/// so there is a row exactly when the change happened. Never updated or deleted.
/// </summary>
public sealed class OpsAction
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The ops user's token subject.</summary>
    public required string Actor { get; init; }

    public OpsActionType Action { get; init; }

    public OpsSubjectType SubjectType { get; init; }

    public Guid SubjectId { get; init; }

    /// <summary>Why, in the actor's words (required for a rejection and for every retry).</summary>
    public string? Reason { get; init; }

    /// <summary>A small JSON object of facts about the action (the event's type, the key that verified a postback), or null.</summary>
    public string? Detail { get; init; }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>
/// The audit of ops actions in one place: which subject each action is about, whether it needs a
/// reason, and the SQL that records it. Like the outbox (EventStatements.Emit), the record is a CTE
/// that the statement making the change includes, fed by that change's RETURNING: it is written in the
/// same transaction, and only when the change really happened (a refused action writes nothing).
/// </summary>
internal static class OpsAudit
{
    /// <summary>The most a reason may hold (UTF-16 units, as the column's limit is checked).</summary>
    public const int MaxReasonLength = Payouts.PayoutRules.MaxReasonLength;

    /// <summary>Each action's subject (null: the statement names it, as the subject depends on more than the action) and whether it needs a reason.</summary>
    public static readonly IReadOnlyDictionary<OpsActionType, (OpsSubjectType? Subject, bool ReasonRequired)> Actions =
        new Dictionary<OpsActionType, (OpsSubjectType?, bool)>
        {
            [OpsActionType.PayoutApprove] = (OpsSubjectType.Payout, false),
            // Money is turned away or sent again on a person's judgement: they say why.
            [OpsActionType.PayoutReject] = (OpsSubjectType.Payout, true),
            [OpsActionType.PayoutRetry] = (OpsSubjectType.Payout, true),
            [OpsActionType.ProofRetry] = (OpsSubjectType.Proof, true),
            [OpsActionType.EventRedeliver] = (OpsSubjectType.Event, false),
            [OpsActionType.PostbackReverify] = (OpsSubjectType.Postback, false),
            // Marking an attention entry seen hides it: the note says what was done, as a rejection's reason does.
            [OpsActionType.AttentionSeen] = (null, true),
        };

    /// <summary>
    /// A CTE named <paramref name="name"/> that records <paramref name="action"/> once per row of
    /// <paramref name="changed"/> (a CTE of the statement with an <c>id</c> column, the subject's).
    /// <paramref name="actor"/>, <paramref name="reason"/>, <paramref name="at"/> and <paramref name="detail"/>
    /// are SQL expressions (parameters, usually); <paramref name="detail"/> may use the changed row as <c>c</c>.
    /// <paramref name="subject"/> names the subject's type where the action's table leaves it open.
    /// </summary>
    public static string Record(string name, OpsActionType action, string changed, string actor, string reason, string at,
        string detail = "NULL", OpsSubjectType? subject = null) => $"""
        {name} AS (
            INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason, detail)
            SELECT {at}, {actor}, {SnakeCaseEnumConverter<OpsActionType>.SqlLiteral(action)},
                {SnakeCaseEnumConverter<OpsSubjectType>.SqlLiteral(subject ?? Actions[action].Subject
                    ?? throw new ArgumentException($"{action} names no subject type: pass it.", nameof(subject)))}, c.id, {reason}, ({detail})::jsonb
            FROM {changed} c
            RETURNING subject_id
        )
        """;

    /// <summary>
    /// The reason of an ops request body, checked for <paramref name="action"/>: null and no problem when
    /// none is given and none is needed; a 400 problem (nothing is done) when one is needed and missing,
    /// or is too long or holds a NUL. Surrounding white space is not kept.
    /// </summary>
    public static ValidationProblem? ReadReason(OpsActionRequest? request, OpsActionType action, out string? reason) =>
        ReadReason(request?.Reason, "reason", action, out reason);

    /// <summary>As <see cref="ReadReason(OpsActionRequest?, OpsActionType, out string?)"/>, for a body whose member of that meaning is <paramref name="field"/>.</summary>
    public static ValidationProblem? ReadReason(string? text, string field, OpsActionType action, out string? reason)
    {
        reason = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var required = Actions[action].ReasonRequired;
        if ((reason is null && !required) || reason is { Length: <= MaxReasonLength } && !reason.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        reason = null;
        return TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            [field] = [required
                ? $"Required: why, in 1 to {MaxReasonLength} characters (kept with your name)."
                : $"When given: 1 to {MaxReasonLength} characters, no NUL (kept with your name)."],
        }, type: Problems.Validation);
    }
}

/// <summary>
/// The body of an ops action: why it was done, kept with who did it (GET /api/ops/actions). Required to
/// reject or retry a payout and to retry a proof; optional (the body too) for the others.
/// </summary>
public sealed record OpsActionRequest(string? Reason = null);

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>What one attempt came to, as the queue's attempt saw it (before the retry budget is applied).</summary>
public enum AttemptResult
{
    /// <summary>The other system took it (or, after an attempt of unknown outcome, says it already has it).</summary>
    Delivered,

    /// <summary>No usable answer; another attempt follows after a back-off unless the budget is spent.</summary>
    Retry,

    /// <summary>No usable answer and no more attempts: left for ops. Dispatching turns a retry past the budget into this.</summary>
    GiveUp,

    /// <summary>The other system answered no: the queue's own final move (a proof rejected, a payout refused).</summary>
    Refused,
}

/// <summary>
/// The one thing a queue's attempt returns (<see cref="IDispatchQueue{TItem}.AttemptAsync"/>); Dispatching
/// applies the retry budget, times the next attempt and records it, fenced by the attempt number.
/// </summary>
/// <param name="Message">The other system's words, stored with the outcome where the queue's statement keeps them.</param>
/// <param name="Error">Why a retry or give-up: a short code (<c>timeout</c>, <c>http_503</c>, <c>ServerError</c>).</param>
/// <param name="OutcomeUncertain">The attempt may have reached the other system without our seeing its answer.</param>
public readonly record struct AttemptOutcome(AttemptResult Result, string? Message = null, string? Error = null, bool OutcomeUncertain = false)
{
    public static AttemptOutcome Delivered(string? message = null, bool outcomeUncertain = false) =>
        new(AttemptResult.Delivered, message, null, outcomeUncertain);

    public static AttemptOutcome Retry(string error, string? message = null, bool outcomeUncertain = false) =>
        new(AttemptResult.Retry, message, error, outcomeUncertain);

    public static AttemptOutcome Refused(string? message) => new(AttemptResult.Refused, message);
}

/// <summary>What Dispatching made of an attempt, for the queue's logs and metrics.</summary>
/// <param name="Result">The final result: a <see cref="AttemptResult.Retry"/> past the budget is <see cref="AttemptResult.GiveUp"/>.</param>
/// <param name="Recorded">False when a newer attempt (its lease lapsed) or another writer (a signed postback) got there first.</param>
/// <param name="RetryAt">When the next attempt is due, for a retry.</param>
public sealed record AttemptReport(AttemptOutcome Outcome, AttemptResult Result, bool Recorded, DateTimeOffset? RetryAt);

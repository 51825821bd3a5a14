namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// The schedule of one kind of dispatched work (<c>Proofs:Dispatcher</c>, <c>Payouts:Dispatcher</c>,
/// <c>Events:Dispatcher</c>):
/// how often an idle dispatcher looks, how much it claims, how long a claim lasts, the back-off
/// between attempts and the attempt budget. Read by <see cref="AttemptRunner{TQueue, TItem}"/>, which
/// applies them the same way to every queue (ADR 0020).
/// </summary>
public sealed class DispatcherOptions
{
    /// <summary>Off: this instance never starts the dispatcher; the work stays stored for another instance.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an idle dispatcher looks for due work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Items claimed per round.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>How long a claimed item stays with its claimant; longer than any gateway call.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxDelay"/>, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between attempts: bounds the time from a gateway recovery to delivery.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Attempts after which the item is <c>failed</c> and left to ops (about 5 hours at the defaults). Proofs
    /// and payouts take it into their row's <c>attempt_limit</c> when stored (an ops retry adds it again);
    /// events' claim returns it as theirs. Either way one rule judges it: a retry at <c>attempts ≥ attempt_limit</c> gives up.
    /// </summary>
    public int MaxAttempts { get; set; } = 300;

    /// <summary>
    /// The wait after a failed attempt: exponential back-off capped at <see cref="MaxDelay"/>, with
    /// jitter so that a recovering gateway is not hit in lockstep by every queued item.
    /// </summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ceiling = Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }

    /// <summary>The settings' rules, for a feature's options validation (<paramref name="section"/> names them).</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (MaxAttempts <= 0 || BatchSize <= 0)
        {
            yield return $"{section}:MaxAttempts and BatchSize must be positive.";
        }
        if (Lease <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero)
        {
            yield return $"{section}:Lease and PollInterval must be positive.";
        }
        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            yield return $"{section}:BaseDelay must be positive and MaxDelay at least BaseDelay.";
        }
    }
}

using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// Stored work that must reach another system once: proofs and payouts to the gateway, money events to
/// the merchant's ledger. A queue supplies only its statements and "make this attempt → outcome";
/// Dispatching (<see cref="AttemptRunner{TQueue, TItem}"/>, run by <see cref="Dispatcher{TQueue, TItem}"/>
/// and by the requests that make a first attempt at once) owns the rest of the attempt's life, the same
/// for every queue (ADR 0020):
/// <list type="bullet">
/// <item>The item is committed before its first attempt, with a lease (<c>next_attempt_at</c>) so that
/// a process dying mid-attempt leaves it to be claimed again once the lease lapses.</item>
/// <item>The claim is one statement (<see cref="ClaimStatement"/>) with <c>FOR UPDATE SKIP LOCKED</c> that
/// bumps the attempt number, sets a new lease and returns the rows the attempt needs.</item>
/// <item>An attempt's outcome is written by one statement only where the attempt number and the claimed
/// status still match (<see cref="AttemptRecord.Fence"/>), so a slow attempt never overwrites a newer one's.</item>
/// <item>The retry budget is one rule: a retry is the last when <c>attempts ≥ attempt_limit</c>, both as the
/// claim returned them; the wait before the next is <see cref="DispatcherOptions.RetryDelay"/>.</item>
/// <item>A host stopping mid-attempt records nothing: the lease lapses, and the next claim takes the
/// attempt's outcome as unknown and reuses the same id so the other system can recognise a repeat.</item>
/// </list>
/// </summary>
public interface IDispatchQueue<TItem> where TItem : IDispatchedItem
{
    /// <summary>Makes one attempt of a claimed item. Throws only for the unexpected (or when the host stops).</summary>
    Task<AttemptOutcome> AttemptAsync(TItem item, CancellationToken cancellationToken);

    /// <summary>Logs and counts what came of the attempt (Dispatching has recorded it, or was fenced out).</summary>
    void Report(TItem item, AttemptReport report);
}

/// <summary>A queue's SQL, all in its feature's <c>…Statements</c> class and built on Dispatching's shapes.</summary>
/// <param name="ClaimDue">Claims a batch (<see cref="ClaimStatement.Build"/>).</param>
/// <param name="Record">Records an outcome (<see cref="AttemptRecord.Statement"/>).</param>
/// <param name="Read">Reads one row the claim returned.</param>
/// <param name="RecordReturning">The same recording, returning the moved row (<see cref="AttemptRecord.Statements"/>),
/// for a queue whose requests make an attempt at once and answer with the row as its outcome left it.</param>
internal sealed record DispatchStatements<TItem>(
    NamedStatement<ClaimInput> ClaimDue,
    NamedStatement<AttemptRecord> Record,
    Func<NpgsqlDataReader, TItem> Read,
    Func<AttemptResult, string> StatusText,
    NamedStatement<AttemptRecord>? RecordReturning = null,
    Func<DispatcherOptions, int>? AttemptLimit = null);

/// <summary>An item of dispatched work as its claim returned it.</summary>
public interface IDispatchedItem
{
    /// <summary>The item's id, in the logs and as the fence of its outcome.</summary>
    Guid Id { get; }

    /// <summary>The attempt this claim is (the fence: its outcome is written only while the row still has it).</summary>
    int Attempts { get; }

    /// <summary>The attempts allowed: a retry at or past it is given up.</summary>
    int AttemptLimit { get; }
}

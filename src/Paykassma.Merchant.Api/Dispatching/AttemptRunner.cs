using Npgsql;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// An attempt's whole life for one queue, the same for every queue (ADR 0020): the claim (one statement
/// returning the rows), the attempt (the queue's), the retry budget and back-off, the fenced recording,
/// and what a stopping host leaves behind. Used by <see cref="Dispatcher{TQueue, TItem}"/> and by the
/// requests that make an item's first attempt at once (a proof upload, a payout's creation or approval).
/// </summary>
public sealed partial class AttemptRunner<TQueue, TItem>
    where TQueue : class, IDispatchQueue<TItem>
    where TItem : IDispatchedItem
{
    private readonly string _name;
    private readonly Func<DispatcherOptions> _settings;
    private readonly DispatchStatements<TItem> _statements;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal AttemptRunner(string name, Func<DispatcherOptions> settings, DispatchStatements<TItem> statements,
        NpgsqlDataSource dataSource, TimeProvider time, ILogger<AttemptRunner<TQueue, TItem>> logger)
    {
        _name = name;
        _settings = settings;
        _statements = statements;
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
    }

    /// <summary>The queue's schedule, read on each use so that a test or a reload sees the current values.</summary>
    public DispatcherOptions Settings => _settings();

    /// <summary>Claims up to a batch of due items, one attempt each, in one statement that returns them.</summary>
    public Task<IReadOnlyList<TItem>> ClaimDueAsync(CancellationToken cancellationToken) =>
        ClaimAsync(_statements.ClaimDue, null, cancellationToken);

    /// <summary>Claims the one item a request just made due, or nothing if it is not due or a dispatcher has it.</summary>
    public async Task<TItem?> ClaimOneAsync(Guid id, CancellationToken cancellationToken) =>
        (await ClaimAsync(_statements.ClaimOne ?? throw new InvalidOperationException($"The {_name} queue has no claim for one item."),
            id, cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<TItem>> ClaimAsync(Persistence.NamedStatement<ClaimInput> statement, Guid? only,
        CancellationToken cancellationToken)
    {
        var settings = _settings();
        var now = _time.GetUtcNow();
        var limit = _statements.AttemptLimit?.Invoke(settings) ?? 0;
        await using var command = statement.Command(_dataSource,
            new ClaimInput(now, now + settings.Lease, only is null ? settings.BatchSize : 1, only, limit));
        var claimed = new List<TItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(_statements.Read(reader));
        }
        return claimed;
    }

    /// <summary>Makes the queue's attempt of a claimed item and records what came of it; null when the host stopped mid-attempt.</summary>
    public Task<AttemptReport?> RunAsync(TQueue queue, TItem item, CancellationToken cancellationToken) =>
        RunAsync(queue, item, queue.AttemptAsync, cancellationToken);

    /// <summary>
    /// The same with the attempt given here: a request that holds what the attempt sends (the screenshot
    /// it just stored) need not read it back.
    /// </summary>
    public async Task<AttemptReport?> RunAsync(TQueue queue, TItem item, Func<TItem, CancellationToken, Task<AttemptOutcome>> attempt,
        CancellationToken cancellationToken)
    {
        AttemptOutcome outcome;
        try
        {
            outcome = await attempt(item, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The one rule for a stop mid-attempt: nothing is recorded. The lease lapses, and the next
            // claim (here after a restart, or on another instance) takes this attempt's outcome as
            // unknown and sends the same id again.
            LogStopped(_logger, _name, item.Id, item.Attempts);
            return null;
        }

        var settings = _settings();
        var now = _time.GetUtcNow();
        var result = outcome.Result == AttemptResult.Retry && item.Attempts >= item.AttemptLimit ? AttemptResult.GiveUp : outcome.Result;
        DateTimeOffset? retryAt = result == AttemptResult.Retry ? now + settings.RetryDelay(item.Attempts) : null;
        await using var command = _statements.Record.Command(_dataSource, new AttemptRecord(
            item.Id, item.Attempts, _statements.StatusText(result), outcome.Message, outcome.Error, outcome.OutcomeUncertain, retryAt, now));
        // The outcome is known: it is recorded even while the host stops, so that no attempt is made again for nothing.
        var recorded = (int)(await command.ExecuteScalarAsync(CancellationToken.None))! > 0;
        var report = new AttemptReport(outcome, result, recorded, retryAt);
        if (!recorded)
        {
            LogSuperseded(_logger, _name, item.Id, item.Attempts);
        }
        queue.Report(item, report);
        return report;
    }

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information,
        Message = "The host stopped during {Work} {Item}'s attempt {Attempt}; nothing recorded: its lease will lapse and it will be retried as of unknown outcome")]
    private static partial void LogStopped(ILogger logger, string work, Guid item, int attempt);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information,
        Message = "{Work} {Item}: attempt {Attempt}'s outcome was not recorded; a newer attempt or a signed postback got there first")]
    private static partial void LogSuperseded(ILogger logger, string work, Guid item, int attempt);
}

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
    public async Task<IReadOnlyList<TItem>> ClaimDueAsync(CancellationToken cancellationToken)
    {
        var settings = _settings();
        var now = _time.GetUtcNow();
        await using var command = _statements.ClaimDue.Command(_dataSource,
            new ClaimInput(now, now + settings.Lease, settings.BatchSize, _statements.AttemptLimit?.Invoke(settings) ?? 0));
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
        RunAsync(queue, item, queue.AttemptAsync, _statements.Record,
            async command => (int)(await command.ExecuteScalarAsync(CancellationToken.None))! > 0, cancellationToken);

    /// <summary>
    /// The same for a request that answers with the item's row: recorded by the queue's returning variant of
    /// its recording (the same fenced move), which hands back the row as the outcome left it, read by
    /// <paramref name="read"/>. The row is null when nothing was recorded (the host stopped mid-attempt, or a
    /// newer attempt or another writer got there first): only then need the request read it.
    /// </summary>
    internal Task<(AttemptReport? Report, TRow? Row)> RunReturningAsync<TRow>(TQueue queue, TItem item, Func<NpgsqlDataReader, TRow> read,
        CancellationToken cancellationToken) where TRow : class =>
        RunReturningAsync(queue, item, queue.AttemptAsync, read, cancellationToken);

    /// <summary>
    /// The same with the attempt given here: a request that holds what the attempt sends (the screenshot
    /// it just stored) need not read it back.
    /// </summary>
    internal async Task<(AttemptReport? Report, TRow? Row)> RunReturningAsync<TRow>(TQueue queue, TItem item,
        Func<TItem, CancellationToken, Task<AttemptOutcome>> attempt, Func<NpgsqlDataReader, TRow> read, CancellationToken cancellationToken)
        where TRow : class
    {
        TRow? row = null;
        var report = await RunAsync(queue, item, attempt,
            _statements.RecordReturning ?? throw new InvalidOperationException($"The {_name} queue has no recording that returns its row."),
            async command =>
            {
                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
                if (await reader.ReadAsync(CancellationToken.None))
                {
                    row = read(reader);
                }
                // Read to the end: a failure after the row (the commit) must surface here, not pass as recorded.
                while (await reader.NextResultAsync(CancellationToken.None))
                {
                }
                return row is not null;
            },
            cancellationToken);
        return (report, row);
    }

    private async Task<AttemptReport?> RunAsync(TQueue queue, TItem item, Func<TItem, CancellationToken, Task<AttemptOutcome>> attempt,
        Persistence.NamedStatement<AttemptRecord> record, Func<NpgsqlCommand, Task<bool>> execute, CancellationToken cancellationToken)
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
        await using var command = record.Command(_dataSource, new AttemptRecord(
            item.Id, item.Attempts, _statements.StatusText(result), outcome.Message, outcome.Error, outcome.OutcomeUncertain, retryAt, now));
        // The outcome is known: it is recorded even while the host stops, so that no attempt is made again for nothing.
        var recorded = await execute(command);
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

using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// Group commit (ADR 0022): verified postbacks that arrive together are stored by their usual
/// statements (<see cref="PostbackStatements"/>, unchanged) sent as one batch: one round trip, one
/// implicit transaction (Npgsql sends one Sync after the last command, and PostgreSQL commits there),
/// one WAL flush. Each waiter is answered only after that commit. Later statements of a batch see
/// the earlier ones' rows (same transaction, a new snapshot per statement), so a fact two of them
/// carry is stored, and credited, once.
/// </summary>
/// <remarks>
/// Who runs a batch: at most <see cref="PostbackGroupCommitOptions.Parallelism"/> run at once (slots). A
/// postback that finds nothing queued and a slot free is run by its own request, with whatever queues
/// meanwhile; otherwise it waits in the queue, and the batch loops take it with the rest once a slot
/// frees (ADR 0029). What one postback's failure does to the others: a refusal (not an outage) of batch command k rolls
/// the batch back; the rest run again without k, and k is handed back to be stored alone (where a
/// refusal is held, as without batching). A deadlock or serialization failure between batches runs
/// the batch again. An outage fails every waiter, who then answer 503 as the single path does. A
/// waiter's cancellation never cancels a batch: it only keeps a postback out of one not yet sent
/// (once sent, the batch borrows the waiter's body buffer, so the waiter waits for the end).
/// </remarks>
public sealed partial class PostbackBatcher(
    NpgsqlDataSource dataSource, IOptions<PostbackOptions> options, MerchantMetrics metrics, ILogger<PostbackBatcher> logger) : BackgroundService
{
    private const int ConflictRetries = 3;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });

    /// <summary>Batches in flight, whoever runs them (a loop, or a request that found a slot free).</summary>
    private readonly SemaphoreSlim _slots = new(options.Value.GroupCommit.Parallelism);

    /// <summary>Whether a request may run its own batch: while the loops run, and unless loops join late (ADR 0027).</summary>
    private volatile bool _requestsLead;

    private PostbackGroupCommitOptions Settings => options.Value.GroupCommit;

    public bool Enabled => Settings.Enabled;

    /// <summary>
    /// Stores the postback in the next batch and returns its outcome once that batch committed; null
    /// when it must be stored alone instead (refused in a batch, or the batcher is stopping).
    /// </summary>
    internal async Task<StoredPostback?> StoreAsync(PostbackStatement statement, PostbackStatementInput input, CancellationToken cancellationToken)
    {
        var pending = new Pending(statement, input, cancellationToken);
        if (_requestsLead && _queue.Reader.Count == 0 && _slots.Wait(0, CancellationToken.None))
        {
            // Run here, not handed to a loop: a loop woken for it, then this request woken by the loop,
            // were two thread wake-ups per postback, and switches are dear on this machine (bench/README.md).
            var batch = new List<Pending>(Settings.MaxBatch);
            Admit(batch, pending);
            await RunInSlotAsync(batch);
            return await pending.Done.Task;
        }
        if (!_queue.Writer.TryWrite(pending))
        {
            return null;
        }
        return await pending.Done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Settings.Enabled)
        {
            _queue.Writer.TryComplete();
            return Task.CompletedTask;
        }
        // Late joining is the loops' decision (the oldest queued postback's wait): requests then only queue.
        _requestsLead = Settings.ParallelAfter == TimeSpan.Zero;
        return Task.WhenAll(Enumerable.Range(0, Settings.Parallelism).Select(loop => Task.Run(() => LoopAsync(first: loop == 0), CancellationToken.None)));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // What is queued is still stored (the loops end when the queue is empty); what comes later is stored alone.
        _requestsLead = false;
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task LoopAsync(bool first)
    {
        var batch = new List<Pending>(Settings.MaxBatch);
        var joinsLate = !first && Settings.ParallelAfter > TimeSpan.Zero;
        // Not the host's token (the waits below take none): a batch that started finishes, as a single
        // postback does, and the loop ends when the queue is completed and empty.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            if (joinsLate && !await BackedUpAsync())
            {
                continue;
            }
            // A postback stays queued until a slot holder takes it: with every slot busy, what queues
            // meanwhile is the next batch, whoever holds the slot (another loop may find nothing left).
            // Postbacks are queued only when every slot was busy or others already waited, so an idle
            // loop is rarely woken for nothing.
            await _slots.WaitAsync(CancellationToken.None);
            batch.Clear();
            await RunInSlotAsync(batch);
        }
    }

    /// <summary>Adds what is queued to the batch and runs it; the caller holds a slot, which is released here.</summary>
    private async Task RunInSlotAsync(List<Pending> batch)
    {
        try
        {
            Take(batch);
            if (batch.Count > 0 && Settings.Window > TimeSpan.Zero)
            {
                await WaitForMoreAsync(batch);
            }
            if (batch.Count > 0)
            {
                await RunAsync(batch);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Whether a loop beside the first may start a batch: only once the oldest queued postback has
    /// waited <see cref="PostbackGroupCommitOptions.ParallelAfter"/> for the batches already running.
    /// While the first loop keeps up, postbacks queue behind its batch and share the next commit, on
    /// one backend (the cheapest way for PostgreSQL at a moderate rate); when it falls behind, or its
    /// batch waits on a row lock, the others join. Otherwise waits a little and says no (look again).
    /// </summary>
    private async Task<bool> BackedUpAsync()
    {
        if (!_queue.Reader.TryPeek(out var oldest))
        {
            return false;
        }
        var waited = Stopwatch.GetElapsedTime(oldest.QueuedAt);
        if (waited >= Settings.ParallelAfter)
        {
            return true;
        }
        await Task.Delay(Settings.ParallelAfter - waited);
        return false;
    }

    private void Take(List<Pending> batch)
    {
        while (batch.Count < Settings.MaxBatch && _queue.Reader.TryRead(out var pending))
        {
            Admit(batch, pending);
        }
    }

    private async Task WaitForMoreAsync(List<Pending> batch)
    {
        using var window = new CancellationTokenSource(Settings.Window);
        try
        {
            while (batch.Count < Settings.MaxBatch && await _queue.Reader.WaitToReadAsync(window.Token))
            {
                Take(batch);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            // The window closed: the batch goes with what it has.
        }
    }

    /// <summary>Runs the batch until every waiter has its answer; never throws (a loop must not die).</summary>
    private async Task RunAsync(List<Pending> batch)
    {
        var remaining = batch;
        var conflicts = 0;
        var reconnected = false;
        try
        {
            while (remaining.Count > 0)
            {
                try
                {
                    var stored = await ExecuteAsync(remaining);
                    metrics.PostbackBatchCommitted(remaining.Count);
                    for (var i = 0; i < remaining.Count; i++)
                    {
                        remaining[i].Done.TrySetResult(stored[i]);
                    }
                    return;
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                                   && ++conflicts <= ConflictRetries)
                {
                    // Another batch held what this one needed, and the other way round: one of the two was rolled back.
                    LogConflict(logger, remaining.Count, ex.SqlState);
                }
                catch (PostgresException ex) when (!ex.IsTransient && Refused(remaining, ex) is var k and >= 0)
                {
                    // This one postback's refusal, not the others': they run again without it, and it runs alone.
                    LogRefused(logger, remaining[k].Input.PostbackId, ex.SqlState, remaining.Count - 1);
                    remaining[k].Done.TrySetResult(null);
                    remaining = [.. remaining.Where((_, i) => i != k)];
                }
                catch (NpgsqlException ex) when (ex.IsTransient && ex is not PostgresException && !reconnected)
                {
                    // As the single path: after PostgreSQL restarted, the pool's idle connections are dead but look alive.
                    reconnected = true;
                    dataSource.Clear();
                }
            }
        }
        catch (Exception ex) when (DatabaseFailure.IsOutage(ex) && ex is not PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure })
        {
            // An outage: every waiter answers 503 and the gateway resends (as a duplicate, should the commit have landed).
            foreach (var pending in remaining)
            {
                pending.Done.TrySetException(ex);
            }
        }
        catch (Exception ex)
        {
            // Not one postback's refusal, nor an outage (a failure at commit, conflicts that kept coming):
            // each is stored alone, exactly as without batching, and judged there.
            LogAlone(logger, ex, remaining.Count);
            foreach (var pending in remaining)
            {
                pending.Done.TrySetResult(null);
            }
        }
    }

    /// <summary>One round trip: every statement, then PostgreSQL's commit at the batch's end; the outcomes in order.</summary>
    private async Task<StoredPostback[]> ExecuteAsync(List<Pending> batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var commands = new NpgsqlBatch(connection);
        foreach (var pending in batch)
        {
            pending.Command = new NpgsqlBatchCommand(pending.Statement.Text);
            pending.Statement.Parameters.Bind(pending.Command.Parameters, pending.Input);
            commands.BatchCommands.Add(pending.Command);
        }
        // As the single path: prepared once per pooled connection (later batches find them and cost nothing).
        await commands.PrepareAsync(CancellationToken.None);
        var stored = new StoredPostback[batch.Count];
        await using (var reader = await commands.ExecuteReaderAsync(CancellationToken.None))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync(CancellationToken.None))
                {
                    throw new InvalidOperationException("The postback batch returned fewer outcomes than statements.");
                }
                stored[i] = await PostbackStore.ReadOutcomeRowAsync(reader, CancellationToken.None);
            }
            // Up to ReadyForQuery: a failure at commit is thrown here, before anyone is answered.
            while (await reader.NextResultAsync(CancellationToken.None))
            {
            }
        }
        return stored;
    }

    /// <summary>
    /// Which postback the refusal is: the command Npgsql names, else the first that did not complete.
    /// (PostgreSQL finishes a statement's data-modifying CTEs and constraint checks after its row is
    /// sent, so an error read after a row may still be that statement's; it is the one whose
    /// CommandComplete never came.) -1 when none: the failure was no one statement's (at commit).
    /// </summary>
    private static int Refused(List<Pending> batch, PostgresException refusal)
    {
        var named = batch.FindIndex(p => p.Command == refusal.BatchCommand);
        return named >= 0 ? named : batch.FindIndex(p => p.Command is { StatementType: StatementType.Unknown });
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning,
        Message = "Postback {PostbackId} refused in a batch (SQLSTATE {SqlState}): the {Others} other(s) run again without it, and it runs alone")]
    private static partial void LogRefused(ILogger logger, Guid postbackId, string sqlState, int others);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information,
        Message = "A batch of {Count} postback(s) conflicted with another (SQLSTATE {SqlState}) and was rolled back; running it again")]
    private static partial void LogConflict(ILogger logger, int count, string sqlState);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning,
        Message = "A batch of {Count} postback(s) failed as a whole, not by one of them; each is stored alone")]
    private static partial void LogAlone(ILogger logger, Exception exception, int count);
}

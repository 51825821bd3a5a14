using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>What a received postback is, before it is stored.</summary>
public sealed record IncomingPostback
{
    public required Guid Id { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The body as read (at most Postbacks:MaxBodyBytes): the store decides how much of it to keep.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The body's length as sent (its Content-Length when it said one).</summary>
    public required int BodyLength { get; init; }

    /// <summary>More was sent than was read.</summary>
    public bool BodyTruncated { get; init; }

    public required string BodySha256 { get; init; }

    public string? RemoteIp { get; init; }

    public string? Format { get; init; }

    public string? Signature { get; init; }

    public string? AccessKey { get; init; }

    public string? Direction { get; init; }

    public string? Amount { get; init; }

    public string? Label { get; init; }

    public string[] TransactionIds { get; init; } = [];

    public string? SignedSha256 { get; init; }
}

/// <summary>What the postback statement did.</summary>
/// <param name="RepeatOf">The stored postback a replay was counted on (no row of its own was added).</param>
public sealed record StoredPostback(PostbackOutcome Outcome, int NewTransactions, int ConfirmedDeposits, string[] UnappliedReasons,
    int PayoutsPaid = 0, int PayoutsCancelled = 0, int PayoutConflicts = 0, Guid? RepeatOf = null);

/// <summary>
/// The postback tables, written with hand-written SQL (<see cref="PostbackStatements"/>): this is the
/// hot path of the service and the place where "stored once" and "ok means committed" are decided,
/// so every step is visible.
/// </summary>
public sealed class PostbackStore(
    NpgsqlDataSource dataSource, IOptions<PostbackOptions> options, IOptions<Payouts.PayoutOptions> payouts, TimeProvider time,
    PostbackBatcher batcher)
{
    /// <summary>
    /// One statement: the postback row, each signed item inserted at most once (the unique keys
    /// decide, ON CONFLICT DO NOTHING, never check-then-insert), the matched deposits confirmed (only
    /// by the postback that inserted the transaction, so a redelivery cannot credit twice), and the
    /// postback's outcome. Returns only after COMMIT: the caller may then answer ok.
    /// </summary>
    public async Task<StoredPostback> StoreVerifiedAsync(
        IncomingPostback postback, string verifiedWith, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        CancellationToken cancellationToken)
    {
        var one = rows.Count == 1;
        var statement = PostbackStatements.For(rows);
        var input = Input(postback.Id, postback.Label, rows, discrepancies) with
        {
            ItemsAsScalars = one,
            Postback = postback,
            Body = postback.Body,
            BodyTruncated = postback.BodyTruncated,
            VerifiedWith = verifiedWith,
            DuplicateBodyBytesKept = options.Value.DuplicateBodyBytesKept,
        };
        // Group commit (ADR 0022), when enabled: the same statement in a batch with others that came
        // together, answered after their common commit. Handed back (null) when it must run alone.
        if (batcher.Enabled && await batcher.StoreAsync(statement, input, cancellationToken) is { } batched)
        {
            return batched;
        }
        return await OnFreshConnectionIfBrokenAsync(async () =>
        {
            // One statement, so one round trip and its own transaction: PostgreSQL commits it (durably)
            // before it says ReadyForQuery, and ReadOutcomeAsync reads up to that point before returning.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = statement.Command(connection, input);
            // Prepared once per pooled connection (later calls find it and cost nothing): planning this
            // statement took longer than running it. The one-item form has only scalar parameters, so
            // its generic plan is as good as a custom one and PostgreSQL stops replanning.
            await command.PrepareAsync(cancellationToken);
            return await ReadOutcomeAsync(command, cancellationToken);
        });
    }

    /// <summary>A postback that was not accepted, kept with its reason for ops: only its first bytes (it may be anyone's junk).</summary>
    public Task StoreRejectedAsync(IncomingPostback postback, string reason, string? detail, CancellationToken cancellationToken)
    {
        var kept = RejectedExcerpt(postback);
        return StoreUnappliedAsync(postback, PostbackTransitions.Moves.To(PostbackMove.Reject), reason, detail, verifiedWith: null,
            kept, postback.BodyTruncated || kept.Length < postback.Body.Length, cancellationToken);
    }

    /// <summary>How many of a rejected body's bytes are kept (and count against the rejected-bytes budget).</summary>
    public ReadOnlyMemory<byte> RejectedExcerpt(IncomingPostback postback) =>
        postback.Body[..Math.Min(postback.Body.Length, options.Value.RejectedBodyBytesKept)];

    /// <summary>
    /// A verified postback whose statement the database refused (not an outage: a bug, or a shape no
    /// one foresaw). Kept whole, as the evidence to apply it again once fixed; nothing is credited.
    /// </summary>
    public Task StoreHeldAsync(IncomingPostback postback, string verifiedWith, string detail, CancellationToken cancellationToken) =>
        StoreUnappliedAsync(postback, PostbackTransitions.Moves.To(PostbackMove.Hold), "apply_failed", detail, verifiedWith,
            postback.Body, postback.BodyTruncated, cancellationToken);

    private Task StoreUnappliedAsync(
        IncomingPostback postback, PostbackOutcome outcome, string reason, string? detail, string? verifiedWith,
        ReadOnlyMemory<byte> body, bool bodyTruncated, CancellationToken cancellationToken) =>
        OnFreshConnectionIfBrokenAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = PostbackStatements.InsertUnapplied.Command(connection, Input(postback.Id, postback.Label, [], null) with
            {
                Postback = postback,
                Body = body,
                BodyTruncated = bodyTruncated,
                VerifiedWith = verifiedWith,
                Outcome = outcome,
                RejectReason = reason,
                RejectDetail = detail,
            });
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        });

    /// <summary>
    /// After PostgreSQL restarts, the pool's idle connections are dead but look alive until used.
    /// When one fails before anything was committed, the pool is emptied and the work runs once more
    /// on a new connection, so the gateway's first resend after an outage is accepted. (A failure at
    /// COMMIT is not retried here: the gateway's own resend settles it, as a duplicate if it landed.)
    /// </summary>
    private async Task<T> OnFreshConnectionIfBrokenAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (NpgsqlException ex) when (ex.IsTransient && ex is not PostgresException)
        {
            dataSource.Clear();
            return await work();
        }
    }

    /// <summary>
    /// Ops re-verification of a stored rejected or held postback that now verifies: it becomes accepted
    /// (or duplicate) and its items are applied, exactly as if it had just arrived. The claim records who
    /// did it (<paramref name="actor"/>, <paramref name="reason"/>) in the same transaction.
    /// </summary>
    public async Task<StoredPostback?> ApplyReverifiedAsync(
        Guid postbackId, string? label, string verifiedWith, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        string actor, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand($"""
            WITH claimed AS (
                UPDATE postbacks SET outcome = {PostbackTransitions.Moves.SqlTo(PostbackMove.Reverify)}, reject_reason = NULL, reject_detail = NULL,
                    verified_with = $2, reverified_at = $3
                WHERE id = $1 AND outcome IN ({PostbackTransitions.Moves.SqlFrom(PostbackMove.Reverify)})
                RETURNING id, verified_with
            ),
            {Ops.OpsAudit.Record("audited", Ops.OpsActionType.PostbackReverify, "claimed", "$4", "$5", "$3",
                "jsonb_build_object('verifiedWith', c.verified_with)")}
            SELECT id FROM claimed
            """, connection, transaction))
        {
            claim.Parameters.With(postbackId);
            claim.Parameters.With(verifiedWith);
            claim.Parameters.With(time.GetUtcNow());
            claim.Parameters.With(actor);
            claim.Parameters.WithText(reason, Ops.OpsAudit.MaxReasonLength);
            if (await claim.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }

        StoredPostback stored;
        await using (var apply = PostbackStatements.Reverify.Command(connection, Input(postbackId, label, rows, discrepancies), transaction))
        {
            stored = await ReadOutcomeAsync(apply, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>
    /// Reads the outcome row, then the rest of the answer up to ReadyForQuery: an error that comes
    /// after the row (the commit of a one-statement transaction is the last thing that can fail)
    /// is thrown here, so the caller never answers ok for something that was not committed.
    /// </summary>
    private static async Task<StoredPostback> ReadOutcomeAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var stored = await ReadOutcomeRowAsync(reader, cancellationToken);
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
        await reader.CloseAsync();
        return stored;
    }

    /// <summary>The outcome row of one postback statement (alone, or one of a batch's results).</summary>
    internal static async Task<StoredPostback> ReadOutcomeRowAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The postback statement returned no outcome.");
        }
        if (!SnakeCaseEnumConverter<PostbackOutcome>.TryParse(reader.GetString(0), out var outcome))
        {
            throw new InvalidOperationException("The postback statement returned an unknown outcome.");
        }
        return new StoredPostback(outcome, reader.GetInt32(1), reader.GetInt32(2), await reader.GetFieldValueAsync<string[]>(3, cancellationToken),
            reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), await reader.GetFieldValueAsync<Guid?>(7, cancellationToken));
    }

    /// <summary>What every postback statement is bound from; each call adds what its statement needs.</summary>
    private PostbackStatementInput Input(Guid postbackId, string? label, IReadOnlyList<TransactionRow> rows, string? discrepancies) => new()
    {
        PostbackId = postbackId,
        Label = label,
        Rows = rows,
        Discrepancies = discrepancies,
        Now = time.GetUtcNow(),
        Payouts = payouts.Value,
    };
}

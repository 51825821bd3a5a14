using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
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

public sealed record StoredPostback(PostbackOutcome Outcome, int NewTransactions, int ConfirmedDeposits, string[] UnappliedReasons,
    int PayoutsPaid = 0, int PayoutsCancelled = 0);

/// <summary>
/// The postback tables, written with hand-written SQL (<see cref="PostbackStatements"/>): this is the
/// hot path of the service and the place where "stored once" and "ok means committed" are decided,
/// so every step is visible.
/// </summary>
public sealed class PostbackStore(
    NpgsqlDataSource dataSource, IOptions<PostbackOptions> options, IOptions<Payouts.PayoutOptions> payouts, TimeProvider time)
{
    /// <summary>
    /// One statement: the postback row, each signed item inserted at most once (the unique keys
    /// decide, ON CONFLICT DO NOTHING, never check-then-insert), the matched deposits confirmed (only
    /// by the postback that inserted the transaction, so a redelivery cannot credit twice), and the
    /// postback's outcome. Returns only after COMMIT: the caller may then answer ok.
    /// </summary>
    public Task<StoredPostback> StoreVerifiedAsync(
        IncomingPostback postback, string verifiedWith, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        CancellationToken cancellationToken) =>
        OnFreshConnectionIfBrokenAsync(async () =>
        {
            // One statement, so one round trip and its own transaction: PostgreSQL commits it (durably)
            // before it says ReadyForQuery, and ReadOutcomeAsync reads up to that point before returning.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var one = rows.Count == 1;
            await using var command = new NpgsqlCommand(one ? PostbackStatements.StoreOne : PostbackStatements.StoreMany, connection);
            AddApplyParameters(command.Parameters, postback.Id, postback.Label, rows, discrepancies, scalars: one);
            AddPostbackParameters(command.Parameters, postback, postback.Body, postback.BodyTruncated, verifiedWith);
            command.Parameters.With(options.Value.DuplicateBodyBytesKept);
            // Prepared once per pooled connection (later calls find it and cost nothing): planning this
            // statement took longer than running it. The one-item form has only scalar parameters, so
            // its generic plan is as good as a custom one and PostgreSQL stops replanning.
            await command.PrepareAsync(cancellationToken);
            return await ReadOutcomeAsync(command, cancellationToken);
        });

    /// <summary>A postback that was not accepted, kept with its reason for ops: only its first bytes (it may be anyone's junk).</summary>
    public Task StoreRejectedAsync(IncomingPostback postback, string reason, string? detail, CancellationToken cancellationToken)
    {
        var kept = RejectedExcerpt(postback);
        return StoreUnappliedAsync(postback, PostbackOutcome.Rejected, reason, detail, verifiedWith: null,
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
        StoreUnappliedAsync(postback, PostbackOutcome.Held, "apply_failed", detail, verifiedWith,
            postback.Body, postback.BodyTruncated, cancellationToken);

    private Task StoreUnappliedAsync(
        IncomingPostback postback, PostbackOutcome outcome, string reason, string? detail, string? verifiedWith,
        ReadOnlyMemory<byte> body, bool bodyTruncated, CancellationToken cancellationToken) =>
        OnFreshConnectionIfBrokenAsync(async () =>
        {
            await using var command = dataSource.CreateCommand(PostbackStatements.InsertUnapplied);
            var parameters = command.Parameters;
            parameters.With(postback.Id);
            parameters.WithText(postback.Label, ColumnLimits.GatewayText);
            parameters.With(SnakeCaseEnumConverter<PostbackOutcome>.ToText(outcome));
            parameters.WithText(reason, ColumnLimits.ReasonCode);
            parameters.WithText(detail, ColumnLimits.RejectDetail);
            AddPostbackParameters(parameters, postback, body, bodyTruncated, verifiedWith);
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
                UPDATE postbacks SET outcome = 'accepted', reject_reason = NULL, reject_detail = NULL,
                    verified_with = $2, reverified_at = $3
                WHERE id = $1 AND outcome IN ('rejected', 'held')
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
        await using (var apply = new NpgsqlCommand(PostbackStatements.Reverify, connection, transaction))
        {
            AddApplyParameters(apply.Parameters, postbackId, label, rows, discrepancies, scalars: false);
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
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The postback statement returned no outcome.");
        }
        if (!SnakeCaseEnumConverter<PostbackOutcome>.TryParse(reader.GetString(0), out var outcome))
        {
            throw new InvalidOperationException("The postback statement returned an unknown outcome.");
        }
        var stored = new StoredPostback(outcome, reader.GetInt32(1), reader.GetInt32(2), await reader.GetFieldValueAsync<string[]>(3, cancellationToken),
            reader.GetInt32(4), reader.GetInt32(5));
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
        await reader.CloseAsync();
        return stored;
    }

    /// <summary>
    /// $1..$24 of the statements: the postback id and label, the items (as scalars for the one-item
    /// form, as arrays otherwise), now, the discrepancies, the withdrawal statuses that mean paid.
    /// </summary>
    private void AddApplyParameters(
        NpgsqlParameterCollection parameters, Guid postbackId, string? label, IReadOnlyList<TransactionRow> rows, string? discrepancies,
        bool scalars)
    {
        parameters.With(postbackId);
        parameters.WithText(label, ColumnLimits.GatewayText);
        if (scalars)
        {
            var r = rows[0];
            parameters.With(r.Id);
            parameters.With(SignedPostbackReader.DirectionText(r.Direction));
            parameters.WithText(r.TransactionId, ColumnLimits.GatewayText);
            parameters.WithText(r.ItemSha256, ColumnLimits.Sha256Hex);
            parameters.WithNullable(r.Amount, NpgsqlDbType.Numeric);
            parameters.WithText(r.AmountText, ColumnLimits.AmountText);
            parameters.WithText(r.CurrencyCode, ColumnLimits.CurrencyCode);
            parameters.WithText(r.WalletType, ColumnLimits.GatewayText);
            parameters.WithText(r.CustomOrderId, ColumnLimits.GatewayText);
            parameters.WithNullable(r.ActivatedAt, NpgsqlDbType.TimestampTz);
            parameters.WithText(r.ActivatedText, ColumnLimits.GatewayDateText);
            parameters.WithNullable(r.GatewayCreatedAt, NpgsqlDbType.TimestampTz);
            parameters.WithText(r.GatewayCreatedText, ColumnLimits.GatewayDateText);
            parameters.WithNullable(r.TransactionType, NpgsqlDbType.Integer);
            parameters.WithText(r.WithdrawalId, ColumnLimits.WithdrawalId);
            parameters.WithNullable(r.WithdrawalStatus, NpgsqlDbType.Integer);
            parameters.WithText(r.AccountNumber, ColumnLimits.GatewayText);
            parameters.WithText(r.UnappliedReason, ColumnLimits.UnappliedReason);
            // json, not jsonb: the signed item may hold \u0000, which jsonb refuses and json keeps.
            parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = r.Item });
        }
        else
        {
            parameters.WithArray(rows.Select(r => r.Id).ToArray(), NpgsqlDbType.Uuid);
            parameters.WithArray(rows.Select(r => SignedPostbackReader.DirectionText(r.Direction)).ToArray(), NpgsqlDbType.Text);
            AddTexts(parameters, rows, r => r.TransactionId, ColumnLimits.GatewayText);
            AddTexts(parameters, rows, r => r.ItemSha256, ColumnLimits.Sha256Hex);
            parameters.WithArray(rows.Select(r => r.Amount).ToArray(), NpgsqlDbType.Numeric);
            AddTexts(parameters, rows, r => r.AmountText, ColumnLimits.AmountText);
            AddTexts(parameters, rows, r => r.CurrencyCode, ColumnLimits.CurrencyCode);
            AddTexts(parameters, rows, r => r.WalletType, ColumnLimits.GatewayText);
            AddTexts(parameters, rows, r => r.CustomOrderId, ColumnLimits.GatewayText);
            parameters.WithArray(rows.Select(r => r.ActivatedAt).ToArray(), NpgsqlDbType.TimestampTz);
            AddTexts(parameters, rows, r => r.ActivatedText, ColumnLimits.GatewayDateText);
            parameters.WithArray(rows.Select(r => r.GatewayCreatedAt).ToArray(), NpgsqlDbType.TimestampTz);
            AddTexts(parameters, rows, r => r.GatewayCreatedText, ColumnLimits.GatewayDateText);
            parameters.WithArray(rows.Select(r => r.TransactionType).ToArray(), NpgsqlDbType.Integer);
            AddTexts(parameters, rows, r => r.WithdrawalId, ColumnLimits.WithdrawalId);
            parameters.WithArray(rows.Select(r => r.WithdrawalStatus).ToArray(), NpgsqlDbType.Integer);
            AddTexts(parameters, rows, r => r.AccountNumber, ColumnLimits.GatewayText);
            AddTexts(parameters, rows, r => r.UnappliedReason, ColumnLimits.UnappliedReason);
            parameters.WithArray(rows.Select(r => r.Item).ToArray(), NpgsqlDbType.Text);
        }
        parameters.With(time.GetUtcNow());
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)discrepancies ?? DBNull.Value });
        parameters.WithArray(payouts.Value.PaidStatuses, NpgsqlDbType.Integer);
    }

    /// <summary>The rest of the postback's row: $25..$38 of the verified insert, $6..$19 of the unapplied one.</summary>
    private static void AddPostbackParameters(
        NpgsqlParameterCollection parameters, IncomingPostback postback, ReadOnlyMemory<byte> body, bool bodyTruncated, string? verifiedWith)
    {
        parameters.With(postback.ReceivedAt);
        parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = body });
        parameters.With(postback.BodyLength);
        parameters.With(bodyTruncated);
        parameters.With(postback.BodySha256);
        parameters.WithText(postback.RemoteIp, ColumnLimits.RemoteIp);
        parameters.WithText(verifiedWith, ColumnLimits.KeyName);
        parameters.WithText(postback.Format, ColumnLimits.Format);
        parameters.WithText(postback.Signature, ColumnLimits.Signature);
        parameters.WithText(postback.AccessKey, ColumnLimits.GatewayText);
        parameters.WithText(postback.Direction, ColumnLimits.Direction);
        parameters.WithText(postback.Amount, ColumnLimits.AmountText);
        parameters.WithArray(postback.TransactionIds.Take(100).Select(id => ColumnText.Fit(id, ColumnLimits.GatewayText)!).ToArray(), NpgsqlDbType.Text);
        parameters.WithText(postback.SignedSha256, ColumnLimits.Sha256Hex);
    }

    private static void AddTexts(NpgsqlParameterCollection parameters, IReadOnlyList<TransactionRow> rows, Func<TransactionRow, string?> value, int maxLength) =>
        parameters.WithArray(rows.Select(r => ColumnText.Fit(value(r), maxLength)).ToArray(), NpgsqlDbType.Text);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Paykassma.Merchant.Api.Idempotency;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.PluginApi;
using Paykassma.PluginApi.Client;

namespace Paykassma.Merchant.Api.Deposits;

public enum CreateDepositStatus
{
    Created,
    Replayed,
    GatewayRefused,
    GatewayFailed,
    IdempotencyKeyReused,
    IdempotencyKeyInProgress,
}

public sealed record CreateDepositResult(
    CreateDepositStatus Status,
    Deposit? Deposit = null,
    string? GatewayMessage = null,
    GatewayFailureKind? GatewayFailure = null);

/// <summary>
/// Stores a deposit: with requisites from the gateway, or (payment window) with its own
/// custom_transaction_id and no gateway call. With an Idempotency-Key the key is claimed in PostgreSQL
/// first (its primary key decides between racing requests), so one key means one gateway call and one
/// deposit; a repeat answers the stored deposit. Reads go through EF Core, each write is one statement
/// (ADR 0001).
/// </summary>
public sealed partial class DepositCreator(
    MerchantDbContext db,
    NpgsqlDataSource dataSource,
    PluginApiClient gateway,
    IOptions<PaykassmaOptions> paykassma,
    IOptions<DepositOptions> options,
    FirstRequestWaiter waiter,
    TimeProvider time,
    ILogger<DepositCreator> logger)
{
    public Task<CreateDepositResult> CreateAsync(string label, int? amount, string? idempotencyKey, CancellationToken cancellationToken) =>
        CreateOnceAsync(label, idempotencyKey, $"create-deposit|amount={amount}",
            (key, token) => CallGatewayAndStoreAsync(label, amount, key, token), cancellationToken);

    /// <summary>
    /// A deposit the user pays through the gateway's payment window: nothing to ask the gateway (the
    /// window talks to it), so only the row, with the custom_transaction_id its postback will bring back.
    /// The fingerprint names the endpoint, so a key used for a requisites deposit is "reused" here.
    /// </summary>
    public Task<CreateDepositResult> CreateForWindowAsync(
        string label, int? amount, string? lang, string? idempotencyKey, CancellationToken cancellationToken) =>
        CreateOnceAsync(label, idempotencyKey, $"create-window-deposit|amount={amount}|lang={lang}",
            (key, token) => StoreAsync(NewDeposit(label, amount, answer: null), key, token), cancellationToken);

    /// <summary>
    /// Runs <paramref name="create"/> once per key. It returns null only when, with a key, another request
    /// completed the same key first (our lease had lapsed): that request's deposit is then answered.
    /// </summary>
    private async Task<CreateDepositResult> CreateOnceAsync(
        string label, string? idempotencyKey, string canonicalRequest,
        Func<string?, CancellationToken, Task<CreateDepositResult?>> create, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            return await create(null, cancellationToken)
                   ?? throw new System.Diagnostics.UnreachableException("Without a key there is no race to lose.");
        }

        var requestHash = RequestFingerprint.Of(canonicalRequest);
        var scope = $"deposit|{label}|{idempotencyKey}";
        var wait = waiter.Start(scope);
        while (true)
        {
            // Marked before the claim commits, so a repeat here that sees the claim finds the mark too.
            using var running = waiter.Run(scope);
            var (claimed, record) = await TryClaimAsync(label, idempotencyKey, requestHash, cancellationToken);
            if (claimed)
            {
                var result = await RunClaimedAsync(label, idempotencyKey, create, cancellationToken);
                if (result is not null)
                {
                    return result;
                }
                // Our lease had lapsed and another request finished first: answer its deposit.
                continue;
            }
            running.Dispose();

            if (record is null)
            {
                continue; // The claimant failed and released the key, or committed after we looked: look again.
            }
            if (!RequestFingerprint.SameRequest(record.RequestHash, requestHash))
            {
                return new CreateDepositResult(CreateDepositStatus.IdempotencyKeyReused);
            }
            if (record.DepositId is { } depositId)
            {
                var deposit = await db.Deposits.AsNoTracking().SingleAsync(d => d.Id == depositId, cancellationToken);
                return new CreateDepositResult(CreateDepositStatus.Replayed, deposit);
            }

            if (record.LockedUntil < time.GetUtcNow() && await TryTakeOverAsync(label, idempotencyKey, cancellationToken))
            {
                using var takenOver = waiter.Run(scope);
                LogTakeOver(logger, idempotencyKey);
                var result = await RunClaimedAsync(label, idempotencyKey, create, cancellationToken);
                if (result is not null)
                {
                    return result;
                }
                continue;
            }
            if (!await wait.NextPollAsync(cancellationToken))
            {
                return new CreateDepositResult(CreateDepositStatus.IdempotencyKeyInProgress);
            }
        }
    }

    /// <summary>
    /// A failed attempt (refusal, outage, cancellation, crash of this request) frees the key so that the
    /// client's retry with the same key runs again: the create call is harmless to repeat, and only a
    /// success is worth remembering. A stored deposit, ours or (null) the winner's, keeps it.
    /// </summary>
    private async Task<CreateDepositResult?> RunClaimedAsync(
        string label, string idempotencyKey, Func<string?, CancellationToken, Task<CreateDepositResult?>> create,
        CancellationToken cancellationToken)
    {
        var keep = false;
        try
        {
            var result = await create(idempotencyKey, cancellationToken);
            keep = result is null || result.Status == CreateDepositStatus.Created;
            return result;
        }
        finally
        {
            if (!keep)
            {
                await ReleaseAsync(label, idempotencyKey);
            }
        }
    }

    private async Task<CreateDepositResult?> CallGatewayAndStoreAsync(
        string label, int? amount, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var answer = await gateway.CreateDepositAsync(label, cancellationToken);
        return answer.Outcome switch
        {
            GatewayOutcome.Refused => new CreateDepositResult(CreateDepositStatus.GatewayRefused, GatewayMessage: answer.Message),
            GatewayOutcome.Failed => new CreateDepositResult(CreateDepositStatus.GatewayFailed, GatewayFailure: answer.Failure),
            _ => await StoreAsync(NewDeposit(label, amount, answer), idempotencyKey, cancellationToken),
        };
    }

    /// <summary>
    /// One INSERT, its own transaction: one round trip and one durable commit. With a key, the same
    /// statement completes the key, so the deposit and the key commit together or not at all. Null when,
    /// with a key, another request completed the key first.
    /// </summary>
    private async Task<CreateDepositResult?> StoreAsync(Deposit deposit, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (!await InsertAsync(deposit, idempotencyKey, cancellationToken))
        {
            return null;
        }
        LogCreated(logger, deposit.Id);
        return new CreateDepositResult(CreateDepositStatus.Created, deposit);
    }

    /// <summary>
    /// The deposit's row (completing the key when there is one). Every user waits on this: a
    /// hand-written statement, prepared once per pooled connection, rather than EF Core's change
    /// tracking and update pipeline for one row (deposit creation overhead, bench/README.md).
    /// Returns false when, with a key, another request completed the key first.
    /// </summary>
    private async Task<bool> InsertAsync(Deposit deposit, string? idempotencyKey, CancellationToken cancellationToken)
    {
        // A pooled connection of the data source, held for this one statement: a data-source command
        // cannot be prepared.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var statement = idempotencyKey is null ? DepositStatements.Insert : DepositStatements.InsertCompletingKey;
        await using var command = new NpgsqlCommand(statement.Text, connection);
        statement.Parameters.Bind(command.Parameters, new DepositInsertInput(deposit, idempotencyKey));
        await command.PrepareAsync(cancellationToken);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>A requisites deposit from the gateway's answer, or (no answer) a payment window deposit.</summary>
    private Deposit NewDeposit(string label, int? amount, CreateDepositAnswer? answer)
    {
        var now = time.GetUtcNow();
        var settings = paykassma.Value;
        var id = Guid.CreateVersion7(now);
        return new Deposit
        {
            Id = id,
            Label = label,
            Status = DepositStatus.AwaitingPayment,
            Currency = settings.Currency,
            WalletType = settings.WalletType,
            Amount = amount,
            WalletNumber = answer?.Requisites!.WalletNumber,
            AccountName = answer?.Requisites!.AccountName,
            IsCheckAmount = answer?.Requisites!.IsCheckAmount,
            GatewayParams = answer?.RawParams!.Value.GetRawText() ?? "{}",
            CustomTransactionId = answer is null ? PaymentWindow.CustomTransactionIdFor(id) : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Claims the key (true), or reads it as another request left it (one statement): null when that
    /// request released it, or committed its claim after this statement began.
    /// </summary>
    private async Task<(bool Claimed, IdempotencyRecord? Record)> TryClaimAsync(string label, string key, string requestHash,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var command = dataSource.CreateCommand(DepositStatements.ClaimKey);
        command.Parameters.With(label).With(key).With(requestHash).With(now + options.Value.IdempotencyLease).With(now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetBoolean(0) || await reader.IsDBNullAsync(1, cancellationToken))
        {
            return (reader.GetBoolean(0), null);
        }
        return (false, new IdempotencyRecord
        {
            Label = label,
            Key = key,
            RequestHash = reader.GetString(1),
            LockedUntil = await reader.GetFieldValueAsync<DateTimeOffset>(2, cancellationToken),
            DepositId = await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetGuid(3),
        });
    }

    /// <summary>The claimant's lease lapsed (it crashed, presumably): this request runs the key instead.</summary>
    private async Task<bool> TryTakeOverAsync(string label, string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lockedUntil = now + options.Value.IdempotencyLease;
        return await db.DepositIdempotencyKeys
            .Where(r => r.Label == label && r.Key == key && r.DepositId == null && r.LockedUntil < now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.LockedUntil, lockedUntil), cancellationToken) == 1;
    }

    private async Task ReleaseAsync(string label, string key)
    {
        try
        {
            await db.DepositIdempotencyKeys.Where(r => r.Label == label && r.Key == key && r.DepositId == null)
                .ExecuteDeleteAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            // The lease expires on its own; a retry then takes the key over.
            LogReleaseFailed(logger, ex, key);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Deposit {DepositId} created")]
    private static partial void LogCreated(ILogger logger, Guid depositId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Took over the stale Idempotency-Key {IdempotencyKey}")]
    private static partial void LogTakeOver(ILogger logger, string idempotencyKey);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Could not release Idempotency-Key {IdempotencyKey}")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string idempotencyKey);
}

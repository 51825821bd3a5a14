using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Idempotency;
using Paykassma.Merchant.Api.Observability;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Payouts;

public enum CreatePayoutStatus
{
    Created,
    Replayed,
    IdempotencyKeyReused,
    LabelDailyLimitReached,
    AccountDailyLimitReached,
}

public sealed record CreatePayoutResult(CreatePayoutStatus Status, Payout? Payout = null);

/// <summary>
/// Stores a validated payout (the commit comes before any gateway call) and, when the statement that
/// stored it did not hold it for approval, makes its first attempt at once. The creator's Idempotency-Key is the payout: a repeat
/// answers the stored one, concurrent repeats store one (the unique index decides).
/// </summary>
public sealed class PayoutCreator(
    PayoutStore store,
    PayoutSender sender,
    IOptions<PayoutOptions> options,
    FirstRequestWaiter waiter,
    MerchantMetrics metrics,
    IHostApplicationLifetime lifetime,
    TimeProvider time)
{
    public async Task<CreatePayoutResult> CreateAsync(string createdBy, ValidPayout valid, string idempotencyKey, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var requestHash = valid.Fingerprint();
        // Repeats of this key here wake when this request's answer is known (ADR 0021).
        using var running = waiter.Run(Scope(createdBy, idempotencyKey));
        // One statement decides the key, the limits and the approval, and returns the payout it names (ADR 0025).
        var (verdict, stored) = await store.TryInsertAsync(NewPayout(createdBy, valid, idempotencyKey, requestHash, settings), settings,
            cancellationToken);
        switch (verdict)
        {
            case PayoutInsert.LabelDailyLimitReached:
                return new CreatePayoutResult(CreatePayoutStatus.LabelDailyLimitReached);
            case PayoutInsert.AccountDailyLimitReached:
                return new CreatePayoutResult(CreatePayoutStatus.AccountDailyLimitReached);
            case PayoutInsert.StoredEarlier:
                running.Dispose();
                return await ReplayAsync(stored!, requestHash, cancellationToken);
            case PayoutInsert.IdempotencyKeyTaken:
                var raced = await store.FindByIdempotencyKeyAsync(createdBy, idempotencyKey, cancellationToken)
                            ?? throw new InvalidOperationException("The payout Idempotency-Key index refused a payout, but no payout holds the key.");
                running.Dispose();
                return await ReplayAsync(raced, requestHash, cancellationToken);
        }
        var payout = stored!;
        metrics.PayoutReached(SnakeCaseEnumConverter<PayoutStatus>.ToText(payout.Status));

        // The statement decided, with the account's total locked: held for a second person, or claimed to send now.
        if (payout.Status != PayoutTransitions.SentAtOnce)
        {
            return new CreatePayoutResult(CreatePayoutStatus.Created, payout);
        }
        // Committed. The first attempt runs even if the caller hangs up (only shutdown stops it);
        // if this process dies, the lease lapses and a dispatcher sends it under the same id.
        Payout? answered = null;
        try
        {
            answered = await sender.DeliverAsync(payout, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
        // Nothing recorded (a stop, or a postback first): the row is no longer what this request knows.
        return new CreatePayoutResult(CreatePayoutStatus.Created, answered ?? await store.FindAsync(payout.Id, CancellationToken.None));
    }

    /// <summary>The same key again: the stored payout's current state is the answer, once its first attempt is over (bounded wait).</summary>
    private async Task<CreatePayoutResult> ReplayAsync(Payout payout, string requestHash, CancellationToken cancellationToken)
    {
        if (!RequestFingerprint.SameRequest(payout.RequestHash, requestHash))
        {
            return new CreatePayoutResult(CreatePayoutStatus.IdempotencyKeyReused, payout);
        }
        var wait = waiter.Start(Scope(payout.CreatedBy, payout.IdempotencyKey!));
        while (payout.Status == PayoutStatus.Sending && payout.Attempts == 1 && await wait.NextPollAsync(cancellationToken))
        {
            payout = await store.FindAsync(payout.Id, cancellationToken) ?? payout;
        }
        return new CreatePayoutResult(CreatePayoutStatus.Replayed, payout);
    }

    private static string Scope(string createdBy, string idempotencyKey) => $"payout|{createdBy}|{idempotencyKey}";

    /// <summary>
    /// The payout to store. Its status, attempts and lease are the inserting statement's decision (the
    /// approval threshold applies to the account's total, known only there), read from the row it returns;
    /// until then it is drawn as held.
    /// </summary>
    private Payout NewPayout(string createdBy, ValidPayout valid, string idempotencyKey, string requestHash, PayoutOptions settings)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        return new Payout
        {
            Id = id,
            // 35 characters, within the gateway's 36; unique by construction and fixed for the payout's life.
            WithdrawalId = "po_" + id.ToString("N"),
            Label = valid.Label,
            Amount = valid.Amount,
            Currency = settings.Currency,
            PaymentSystem = settings.PaymentSystem,
            IsTest = settings.IsTest,
            AccountNumber = valid.AccountNumber,
            AccountName = valid.AccountName,
            BankDetails = valid.BankDetails is null ? null : System.Text.Json.JsonSerializer.Serialize(valid.BankDetails),
            Status = PayoutTransitions.Held,
            CreatedBy = createdBy,
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
            Attempts = 0,
            AttemptLimit = settings.Dispatcher.MaxAttempts,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}

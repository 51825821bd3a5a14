using System.Net;
using System.Security.Cryptography;
using Paykassma.Merchant.Api.Persistence;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>How to answer the gateway.</summary>
public enum PostbackAnswer
{
    /// <summary>200 {"status":"ok"}: stored (new, already known, or held for ops).</summary>
    Ok,

    /// <summary>400: not a postback.</summary>
    NotAPostback,

    /// <summary>401: bad signature, missing signature or foreign access key.</summary>
    Unauthenticated,

    /// <summary>413: larger than any postback.</summary>
    TooLarge,
}

public sealed record PostbackResult(PostbackAnswer Answer, Guid PostbackId, PostbackOutcome Outcome, string? Reason = null, string? VerifiedWith = null);

/// <summary>
/// Judges a raw postback body: parse (PHP-compatible), verify the signature over the signed value,
/// read the signed items, store. A verified postback is the gateway's word: it is stored and
/// answered ok whatever its items hold (odd items are flagged, never refused), and if the database
/// refuses to apply it, it is kept whole as held. Only an outage propagates (the endpoint answers
/// 503 and the gateway resends). A rejected body is kept too, as an excerpt, within a budget.
/// </summary>
public sealed partial class PostbackReceiver(
    PostbackStore store,
    PostbackKeys keys,
    RejectedPostbackShield shield,
    TimeProvider time,
    Observability.MerchantMetrics metrics,
    Microsoft.Extensions.Options.IOptions<Payouts.PayoutOptions> payouts,
    ILogger<PostbackReceiver> logger)
{
    public async Task<PostbackResult> ReceiveAsync(
        ReadOnlyMemory<byte> body, int bodyLength, bool truncated, IPAddress? remoteIp, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var result = await JudgeAndStoreAsync(body, bodyLength, truncated, remoteIp, started, cancellationToken);
        metrics.PostbackReceived(SnakeCaseEnumConverter<PostbackOutcome>.ToText(result.Outcome), result.Reason, result.VerifiedWith,
            time.GetElapsedTime(started));
        return result;
    }

    private async Task<PostbackResult> JudgeAndStoreAsync(
        ReadOnlyMemory<byte> body, int bodyLength, bool truncated, IPAddress? remoteIp, long started, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var arrived = new IncomingPostback
        {
            Id = Guid.CreateVersion7(receivedAt),
            ReceivedAt = receivedAt,
            Body = body,
            BodyLength = bodyLength,
            BodyTruncated = truncated,
            BodySha256 = Convert.ToHexStringLower(SHA256.HashData(body.Span)),
            RemoteIp = remoteIp?.ToString(),
        };

        if (truncated)
        {
            return await RejectAsync(arrived, remoteIp, PostbackAnswer.TooLarge, "too_large", $"The body is larger than {body.Length} bytes.", cancellationToken);
        }

        var parsed = PostbackParser.Parse(body);
        if (!parsed.IsSuccess)
        {
            return await RejectAsync(arrived, remoteIp, PostbackAnswer.NotAPostback, parsed.Failure.Reason, parsed.Failure.Message, cancellationToken);
        }

        var postback = parsed.Postback;
        var incoming = arrived with
        {
            Format = postback.Format == PostbackFormat.Legacy ? "legacy" : "current",
            Signature = postback.Signature,
            AccessKey = postback.AccessKey,
            Direction = postback.Unsigned.Direction,
            Amount = postback.Unsigned.AmountText,
            Label = postback.Unsigned.Label,
            TransactionIds = postback.Transactions.Where(t => t.TransactionId is not null).Select(t => t.TransactionId!).Distinct().ToArray(),
            SignedSha256 = Convert.ToHexStringLower(SHA256.HashData(postback.SignedJson.Span)),
        };

        var verification = keys.Verifier.Verify(postback);
        if (!verification.IsVerified)
        {
            return await RejectAsync(incoming, remoteIp, PostbackAnswer.Unauthenticated, verification.RejectReason, null, cancellationToken);
        }

        var verifiedWith = verification.VerifiedWithCode!;
        StoredPostback stored;
        int items;
        try
        {
            var (rows, discrepancies) = SignedPostbackReader.Read(postback, keys.TimeZone, time, payouts.Value);
            items = rows.Count;
            stored = await store.StoreVerifiedAsync(incoming, verifiedWith, rows, SignedPostbackReader.ToJson(discrepancies), cancellationToken);
            if (discrepancies.Count > 0)
            {
                LogDiscrepancies(logger, incoming.Id, string.Join(", ", discrepancies.Select(d => d.Field).Distinct()));
            }
        }
        catch (Exception ex) when (!DatabaseFailure.IsOutage(ex) && ex is not OperationCanceledException)
        {
            // Not an outage, so a resend would fail the same way, forever: keep it whole and say ok.
            return await HoldAsync(incoming, verifiedWith, ex, started, cancellationToken);
        }
        Stored(incoming.Id, stored, items, verifiedWith, started);
        return new PostbackResult(PostbackAnswer.Ok, incoming.Id, stored.Outcome, VerifiedWith: verifiedWith);
    }

    /// <summary>
    /// Ops: judge a stored rejected or held postback again with today's keys and code (after a key or
    /// a bug fix). Null when there is no such postback; otherwise the new verdict, applied if it verifies
    /// (and then recorded as the <paramref name="actor"/>'s action).
    /// </summary>
    public async Task<PostbackResult?> ReverifyAsync(PostbackRecord record, string actor, string? reason, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (record.Outcome is not (PostbackOutcome.Rejected or PostbackOutcome.Held) || record.BodyTruncated)
        {
            return null;
        }
        var parsed = PostbackParser.Parse(record.Body);
        if (!parsed.IsSuccess)
        {
            return new PostbackResult(PostbackAnswer.NotAPostback, record.Id, record.Outcome, parsed.Failure.Reason);
        }
        var verification = keys.Verifier.Verify(parsed.Postback);
        if (!verification.IsVerified)
        {
            return new PostbackResult(PostbackAnswer.Unauthenticated, record.Id, record.Outcome, verification.RejectReason);
        }

        var (rows, discrepancies) = SignedPostbackReader.Read(parsed.Postback, keys.TimeZone, time, payouts.Value);
        var stored = await store.ApplyReverifiedAsync(record.Id, parsed.Postback.Unsigned.Label, verification.VerifiedWithCode!, rows,
            SignedPostbackReader.ToJson(discrepancies), actor, reason, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        Stored(record.Id, stored, rows.Count, verification.VerifiedWithCode!, started);
        return new PostbackResult(PostbackAnswer.Ok, record.Id, stored.Outcome);
    }

    private async Task<PostbackResult> RejectAsync(
        IncomingPostback postback, IPAddress? source, PostbackAnswer answer, string reason, string? detail, CancellationToken cancellationToken)
    {
        if (shield.ShouldRecord(source, store.RejectedExcerpt(postback).Length))
        {
            await store.StoreRejectedAsync(postback, reason, detail, cancellationToken);
            LogRejected(logger, postback.Id, reason, postback.RemoteIp);
        }
        else
        {
            // A flood: answered and counted, not written (nor logged line by line).
            metrics.RejectedPostbackNotRecorded();
        }
        return new PostbackResult(answer, postback.Id, PostbackOutcome.Rejected, reason);
    }

    private async Task<PostbackResult> HoldAsync(
        IncomingPostback postback, string verifiedWith, Exception failure, long started, CancellationToken cancellationToken)
    {
        // The database's own words (SQLSTATE and message) name the column or constraint, never a secret;
        // anything else is named by its type only, as its message could quote the body.
        var detail = DatabaseFailure.Refusal(failure) is { } refused
            ? $"SQLSTATE {refused.SqlState}: {refused.MessageText}"
            : $"{failure.GetType().Name} while applying it";
        await store.StoreHeldAsync(postback, verifiedWith, detail, cancellationToken);
        LogHeld(logger, failure, postback.Id, Milliseconds(started), detail);
        return new PostbackResult(PostbackAnswer.Ok, postback.Id, PostbackOutcome.Held, "apply_failed", verifiedWith);
    }

    /// <summary>
    /// A verified postback is stored (on arrival or by ops reverify): counted and logged alike. Its line
    /// (stored or a repeat) is the arrival's one request line (PostbackApi), so it carries the time taken.
    /// </summary>
    private void Stored(Guid postbackId, StoredPostback stored, int items, string verifiedWith, long started)
    {
        metrics.DepositsCredited(stored.ConfirmedDeposits);
        metrics.PayoutsSettled(stored.PayoutsPaid, stored.PayoutsCancelled, stored.PayoutConflicts);
        if (stored.RepeatOf is { } original)
        {
            LogRepeated(logger, postbackId, Milliseconds(started), original);
        }
        else
        {
            LogStored(logger, postbackId, stored.Outcome, Milliseconds(started), items, stored.NewTransactions, stored.ConfirmedDeposits, verifiedWith);
        }
        if (stored.PayoutConflicts > 0)
        {
            LogPayoutConflict(logger, postbackId, stored.PayoutConflicts);
        }
        if (stored.UnappliedReasons.Length > 0)
        {
            foreach (var reason in stored.UnappliedReasons)
            {
                metrics.PostbackItemUnapplied(reason);
            }
            LogUnapplied(logger, postbackId, stored.UnappliedReasons.Length, string.Join(", ", stored.UnappliedReasons.Distinct()));
        }
    }

    /// <summary>Milliseconds since a <see cref="TimeProvider.GetTimestamp"/>, to a tenth (as the request line gives them).</summary>
    private double Milliseconds(long started) => Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 1);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "Postback {PostbackId} {Outcome} in {ElapsedMs} ms: {Transactions} signed item(s), {NewTransactions} new, {ConfirmedDeposits} deposit(s) confirmed (key {VerifiedWith})")]
    private static partial void LogStored(ILogger logger, Guid postbackId, PostbackOutcome outcome, double elapsedMs, int transactions,
        int newTransactions, int confirmedDeposits, string verifiedWith);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information,
        Message = "Postback {PostbackId} repeats the stored postback {OriginalId} (answered in {ElapsedMs} ms): counted on it, nothing new")]
    private static partial void LogRepeated(ILogger logger, Guid postbackId, double elapsedMs, Guid originalId);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error,
        Message = "Postback {PostbackId}: the gateway signed a final status contradicting {Count} settled payout(s); kept, flagged (statusConflict) and sent to the ledger: ops must look")]
    private static partial void LogPayoutConflict(ILogger logger, Guid postbackId, int count);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Postback {PostbackId} rejected ({Reason}) from {RemoteIp}")]
    private static partial void LogRejected(ILogger logger, Guid postbackId, string reason, string? remoteIp);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning,
        Message = "Postback {PostbackId}: unsigned fields disagree with the signed data ({Fields}); the signed values were used")]
    private static partial void LogDiscrepancies(ILogger logger, Guid postbackId, string fields);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning,
        Message = "Postback {PostbackId}: {Count} new signed item(s) credit nothing ({Reasons}); listed for ops")]
    private static partial void LogUnapplied(ILogger logger, Guid postbackId, int count, string reasons);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error,
        Message = "Postback {PostbackId} verified but could not be applied ({Detail}); kept whole as held and answered ok in {ElapsedMs} ms: ops must apply it again")]
    private static partial void LogHeld(ILogger logger, Exception exception, Guid postbackId, double elapsedMs, string detail);
}

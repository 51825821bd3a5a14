using System.Security.Cryptography;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>How to answer the gateway.</summary>
public enum PostbackAnswer
{
    /// <summary>200 {"status":"ok"}: stored (new or already known).</summary>
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
/// Judges a raw postback body: parse (PHP-compatible), verify the signature over the signed list,
/// read the signed transactions, store. A rejected body is stored too, with its reason. Database
/// errors propagate: the endpoint answers 503 and the gateway resends.
/// </summary>
public sealed partial class PostbackReceiver(
    PostbackStore store,
    PostbackKeys keys,
    RejectedPostbackShield shield,
    TimeProvider time,
    Observability.MerchantMetrics metrics,
    ILogger<PostbackReceiver> logger)
{
    public async Task<PostbackResult> ReceiveAsync(
        ReadOnlyMemory<byte> body, int bodyLength, bool truncated, string? remoteIp, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var result = await JudgeAndStoreAsync(body, bodyLength, truncated, remoteIp, cancellationToken);
        metrics.PostbackReceived(result.Outcome switch
        {
            PostbackOutcome.Accepted => "accepted",
            PostbackOutcome.Duplicate => "duplicate",
            _ => "rejected",
        }, result.Reason, result.VerifiedWith, time.GetElapsedTime(started));
        return result;
    }

    private async Task<PostbackResult> JudgeAndStoreAsync(
        ReadOnlyMemory<byte> body, int bodyLength, bool truncated, string? remoteIp, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var id = Guid.CreateVersion7(receivedAt);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body.Span));

        if (truncated)
        {
            var oversized = new IncomingPostback(id, receivedAt, body, bodyLength, true, sha256, remoteIp, null, null, null, null, null, null, []);
            return await RejectAsync(oversized, PostbackAnswer.TooLarge, "too_large", $"The body is larger than {body.Length} bytes.", cancellationToken);
        }

        var parsed = PostbackParser.Parse(body);
        if (!parsed.IsSuccess)
        {
            var unreadable = new IncomingPostback(id, receivedAt, body, bodyLength, false, sha256, remoteIp, null, null, null, null, null, null, []);
            return await RejectAsync(unreadable, PostbackAnswer.NotAPostback, parsed.Failure.Reason, parsed.Failure.Message, cancellationToken);
        }

        var postback = parsed.Postback;
        var incoming = new IncomingPostback(id, receivedAt, body, bodyLength, false, sha256, remoteIp,
            postback.Format == PostbackFormat.Legacy ? "legacy" : "current",
            postback.Signature, postback.AccessKey, postback.Unsigned.Direction, postback.Unsigned.AmountText, postback.Unsigned.Label,
            postback.Transactions.Select(t => t.TransactionId).Distinct().ToArray());

        var verification = keys.Verifier.Verify(postback);
        if (!verification.IsVerified)
        {
            return await RejectAsync(incoming, PostbackAnswer.Unauthenticated, verification.RejectReason, null, cancellationToken);
        }

        var (rows, discrepancies) = SignedPostbackReader.Read(postback, keys.TimeZone, time);
        var stored = await store.StoreVerifiedAsync(incoming, verification.VerifiedWithCode!, rows,
            SignedPostbackReader.ToJson(discrepancies), cancellationToken);
        Stored(id, stored, rows.Count, verification.VerifiedWithCode!);
        if (discrepancies.Count > 0)
        {
            LogDiscrepancies(logger, id, string.Join(", ", discrepancies.Select(d => d.Field).Distinct()));
        }
        return new PostbackResult(PostbackAnswer.Ok, id, stored.Outcome, VerifiedWith: verification.VerifiedWithCode);
    }

    /// <summary>
    /// Ops: judge a stored rejected postback again with today's keys (after a key fix). Null when
    /// there is no such rejected postback; otherwise the new verdict, applied if it now verifies.
    /// </summary>
    public async Task<PostbackResult?> ReverifyAsync(PostbackRecord record, CancellationToken cancellationToken)
    {
        if (record.Outcome != PostbackOutcome.Rejected || record.BodyTruncated)
        {
            return null;
        }
        var parsed = PostbackParser.Parse(record.Body);
        if (!parsed.IsSuccess)
        {
            return new PostbackResult(PostbackAnswer.NotAPostback, record.Id, PostbackOutcome.Rejected, parsed.Failure.Reason);
        }
        var verification = keys.Verifier.Verify(parsed.Postback);
        if (!verification.IsVerified)
        {
            return new PostbackResult(PostbackAnswer.Unauthenticated, record.Id, PostbackOutcome.Rejected, verification.RejectReason);
        }

        var (rows, discrepancies) = SignedPostbackReader.Read(parsed.Postback, keys.TimeZone, time);
        var stored = await store.ApplyReverifiedAsync(record.Id, parsed.Postback.Unsigned.Label, verification.VerifiedWithCode!, rows,
            SignedPostbackReader.ToJson(discrepancies), cancellationToken);
        if (stored is null)
        {
            return null;
        }
        Stored(record.Id, stored, rows.Count, verification.VerifiedWithCode!);
        return new PostbackResult(PostbackAnswer.Ok, record.Id, stored.Outcome);
    }

    private async Task<PostbackResult> RejectAsync(
        IncomingPostback postback, PostbackAnswer answer, string reason, string? detail, CancellationToken cancellationToken)
    {
        if (shield.ShouldRecord(postback.RemoteIp))
        {
            await store.StoreRejectedAsync(postback, reason, detail, cancellationToken);
            LogRejected(logger, postback.Id, reason, postback.RemoteIp);
        }
        else
        {
            // A flood from one source: answered and counted, not written (nor logged line by line).
            metrics.RejectedPostbackNotRecorded();
        }
        return new PostbackResult(answer, postback.Id, PostbackOutcome.Rejected, reason);
    }

    /// <summary>A verified postback is stored (on arrival or by ops reverify): counted and logged alike.</summary>
    private void Stored(Guid postbackId, StoredPostback stored, int transactions, string verifiedWith)
    {
        metrics.DepositsCredited(stored.ConfirmedDeposits);
        LogStored(logger, postbackId, stored.Outcome, transactions, stored.NewTransactions, stored.ConfirmedDeposits, verifiedWith);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "Postback {PostbackId} {Outcome}: {Transactions} signed transaction(s), {NewTransactions} new, {ConfirmedDeposits} deposit(s) confirmed (key {VerifiedWith})")]
    private static partial void LogStored(ILogger logger, Guid postbackId, PostbackOutcome outcome, int transactions,
        int newTransactions, int confirmedDeposits, string verifiedWith);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Postback {PostbackId} rejected ({Reason}) from {RemoteIp}")]
    private static partial void LogRejected(ILogger logger, Guid postbackId, string reason, string? remoteIp);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning,
        Message = "Postback {PostbackId}: unsigned fields disagree with the signed data ({Fields}); the signed values were used")]
    private static partial void LogDiscrepancies(ILogger logger, Guid postbackId, string fields);
}

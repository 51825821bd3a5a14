using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Postbacks;

public enum PostbackKind
{
    /// <summary>A genuine deposit postback, resent until the merchant answers ok.</summary>
    [JsonStringEnumMemberName("transaction")]
    Transaction,

    /// <summary>An earlier postback's exact bytes once more, as the gateway's redelivery sends them.</summary>
    [JsonStringEnumMemberName("duplicate")]
    Duplicate,

    /// <summary>Signed with a private key that is not the merchant's.</summary>
    [JsonStringEnumMemberName("forged")]
    Forged,

    /// <summary>Genuinely signed, then the unsigned top-level amount or label changed: still verifies.</summary>
    [JsonStringEnumMemberName("tampered")]
    Tampered,

    /// <summary>additional_data changed after signing: must not verify.</summary>
    [JsonStringEnumMemberName("tampered_signed")]
    TamperedSigned,

    /// <summary>A genuine withdrawal (outgoing) postback, resent until the merchant answers ok.</summary>
    [JsonStringEnumMemberName("withdrawal")]
    Withdrawal,
}

public enum PostbackSource
{
    /// <summary>Sent because a proof was accepted, as the gateway would after matching the payment.</summary>
    [JsonStringEnumMemberName("proof")]
    Proof,

    /// <summary>Asked for through <c>POST /sandbox/postbacks</c>.</summary>
    [JsonStringEnumMemberName("control")]
    Control,
}

public enum PostbackState
{
    /// <summary>Waiting for an ok: not tried yet, or tried and to be resent.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>The merchant answered HTTP 200 with <c>{"status":"ok"}</c>.</summary>
    [JsonStringEnumMemberName("delivered")]
    Delivered,

    /// <summary>Sandbox:PostbackMaxAttempts failed attempts; no more resends.</summary>
    [JsonStringEnumMemberName("gave_up")]
    GaveUp,

    /// <summary>A kind that is sent once whatever the answer (forgeries, duplicates); the answer is in the attempts.</summary>
    [JsonStringEnumMemberName("sent_once")]
    SentOnce,

    /// <summary>Built and signed, but Sandbox:PostbackUrl is not set.</summary>
    [JsonStringEnumMemberName("not_sent")]
    NotSent,
}

/// <summary>One try to hand a postback to the merchant, and what came back.</summary>
/// <param name="Number">1 for the first attempt; resends and concurrent duplicate copies count on.</param>
/// <param name="StartedAt">When the request went out.</param>
/// <param name="ElapsedMilliseconds">Until the answer was read, or the attempt failed.</param>
/// <param name="StatusCode">The HTTP status, or null when no answer came (timeout, connection refused).</param>
/// <param name="Error">Why there was no usable answer; null when an answer came.</param>
/// <param name="Answer">The answer body as text, cut after <see cref="PostbackRecord.MaxAnswerChars"/> characters.</param>
/// <param name="Ok">Whether this attempt delivered the postback (HTTP 200 and <c>{"status":"ok"}</c>).</param>
public sealed record PostbackAttempt(
    int Number,
    DateTimeOffset StartedAt,
    double ElapsedMilliseconds,
    int? StatusCode,
    string? Error,
    string? Answer,
    bool Ok);

/// <summary>A postback as listed: what it is and how its delivery stands, without the body.</summary>
public record PostbackSummary
{
    public required long Id { get; init; }
    public required PostbackKind Kind { get; init; }
    public required PostbackSource Source { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Direction { get; init; }

    /// <summary><c>plugin_custom_order_id</c>; null for withdrawals.</summary>
    public required string? CustomTransactionId { get; init; }
    public required string TransactionId { get; init; }

    /// <summary>The top-level label as sent (not signed).</summary>
    public required string Label { get; init; }

    /// <summary>The top-level amount as sent (not signed).</summary>
    public required long Amount { get; init; }

    /// <summary>The amount in additional_data as sent: the value a careful merchant credits.</summary>
    public required string SignedAmount { get; init; }

    public long? WithdrawalId { get; init; }

    /// <summary>Whether the signature verifies with the configured keys: false for forged and tampered_signed.</summary>
    public required bool GenuineSignature { get; init; }

    /// <summary>For a duplicate: the postback whose bytes it repeats.</summary>
    public long? DuplicateOf { get; init; }

    public required PostbackWireEncoding Encoding { get; init; }
    public required PostbackState State { get; init; }
    public required int AttemptCount { get; init; }
    public PostbackAttempt? LastAttempt { get; init; }

    /// <summary>When the next attempt is due, for a pending postback that waits (the first delay, or a resend).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
}

/// <summary>A postback with the exact bytes sent and every attempt kept.</summary>
public sealed record PostbackDetail : PostbackSummary
{
    [SetsRequiredMembers]
    internal PostbackDetail(PostbackSummary summary, string body, string signature, IReadOnlyList<PostbackAttempt> attempts)
        : base(summary)
    {
        Body = body;
        Signature = signature;
        Attempts = attempts;
    }

    // After the summary's fields: System.Text.Json would otherwise write a derived record's own properties first.

    /// <summary>The wire body, exactly as sent (UTF-8); also served raw by <c>/sandbox/postbacks/{id}/body</c>.</summary>
    [JsonPropertyOrder(1)]
    public required string Body { get; init; }

    [JsonPropertyOrder(1)]
    public required string Signature { get; init; }

    /// <summary>The most recent <see cref="PostbackRecord.MaxKeptAttempts"/> attempts, oldest first.</summary>
    [JsonPropertyOrder(1)]
    public required IReadOnlyList<PostbackAttempt> Attempts { get; init; }
}

/// <summary>
/// A postback built by the sandbox: its bytes never change after it is built, so every resend is
/// byte-identical, as the gateway's are. Delivery state is changed by the sender and the control
/// endpoints at once, hence the lock.
/// </summary>
public sealed class PostbackRecord
{
    public const int MaxAnswerChars = 2000;

    /// <summary>Resends go on for as long as the process runs; only the latest attempts are kept.</summary>
    public const int MaxKeptAttempts = 100;

    private readonly Lock _lock = new();
    private readonly Queue<PostbackAttempt> _attempts = new();
    private int _attemptCount;
    private PostbackState _state = PostbackState.Pending;
    private DateTimeOffset? _nextAttemptAt;

    public required long Id { get; init; }
    public required PostbackKind Kind { get; init; }
    public required PostbackSource Source { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Direction { get; init; }
    public required string? CustomTransactionId { get; init; }
    public required string TransactionId { get; init; }
    public required string Label { get; init; }
    public required long Amount { get; init; }
    public required string SignedAmount { get; init; }
    public long? WithdrawalId { get; init; }
    public required bool GenuineSignature { get; init; }
    public long? DuplicateOf { get; init; }
    public required PostbackWireEncoding Encoding { get; init; }
    public required string Signature { get; init; }

    /// <summary>The exact wire bytes; never modified once built.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Kinds that are resent until ok; the others are sent once whatever the answer.</summary>
    public bool ResendsUntilOk => Kind is PostbackKind.Transaction or PostbackKind.Withdrawal;

    public PostbackState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public int AttemptCount
    {
        get
        {
            lock (_lock)
            {
                return _attemptCount;
            }
        }
    }

    internal int NextAttemptNumber()
    {
        lock (_lock)
        {
            return ++_attemptCount;
        }
    }

    /// <summary>Records an attempt; an ok delivers a postback that is resent until ok (also after giving up).</summary>
    internal void Record(PostbackAttempt attempt)
    {
        lock (_lock)
        {
            _attempts.Enqueue(attempt);
            while (_attempts.Count > MaxKeptAttempts)
            {
                _attempts.Dequeue();
            }

            // A kind sent once stays sent once: "delivered" would read as "the merchant accepted it", which
            // for a forgery is the finding itself, shown by the attempt's answer.
            if (attempt.Ok && ResendsUntilOk && _state is PostbackState.Pending or PostbackState.GaveUp)
            {
                _state = PostbackState.Delivered;
                _nextAttemptAt = null;
            }
        }
    }

    /// <summary>Moves out of <see cref="PostbackState.Pending"/> only; a delivery is never undone.</summary>
    internal void Settle(PostbackState state)
    {
        lock (_lock)
        {
            if (_state == PostbackState.Pending)
            {
                _state = state;
                _nextAttemptAt = null;
            }
        }
    }

    internal void ScheduleAttempt(DateTimeOffset at)
    {
        lock (_lock)
        {
            _nextAttemptAt = _state == PostbackState.Pending ? at : null;
        }
    }

    public PostbackSummary ToSummary()
    {
        lock (_lock)
        {
            return Summarize();
        }
    }

    public PostbackDetail ToDetail()
    {
        lock (_lock)
        {
            return new PostbackDetail(Summarize(), System.Text.Encoding.UTF8.GetString(Body.Span), Signature, _attempts.ToArray());
        }
    }

    // Called under the lock, so the state, the attempts and the next resend are shown as of one moment.
    private PostbackSummary Summarize() => new()
    {
        Id = Id,
        Kind = Kind,
        Source = Source,
        CreatedAt = CreatedAt,
        Direction = Direction,
        CustomTransactionId = CustomTransactionId,
        TransactionId = TransactionId,
        Label = Label,
        Amount = Amount,
        SignedAmount = SignedAmount,
        WithdrawalId = WithdrawalId,
        GenuineSignature = GenuineSignature,
        DuplicateOf = DuplicateOf,
        Encoding = Encoding,
        State = _state,
        AttemptCount = _attemptCount,
        LastAttempt = _attempts.Count == 0 ? null : _attempts.Last(),
        NextAttemptAt = _nextAttemptAt,
    };

    internal static string Truncate(string answer) =>
        answer.Length <= MaxAnswerChars ? answer : string.Concat(answer.AsSpan(0, MaxAnswerChars), "…");
}

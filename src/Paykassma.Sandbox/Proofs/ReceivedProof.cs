using System.Text.Json.Serialization;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Proofs;

public enum ProofOutcome
{
    /// <summary>Answered success: the gateway took the proof (postbacks will follow from here).</summary>
    Accepted,

    /// <summary>Answered fail after the form was valid, e.g. "Transaction not found".</summary>
    Refused,
}

/// <summary>The screenshot as received. <see cref="Bytes"/> is <c>null</c> when Sandbox:KeepScreenshotBytes is off.</summary>
public sealed record ReceivedScreenshot(string FileName, string? ContentType, long Length, string Sha256)
{
    // Never in the JSON listings: they would grow by megabytes per proof. Served by the screenshot endpoint.
    [JsonIgnore]
    public byte[]? Bytes { get; init; }
}

/// <summary>The fields of one valid possible-transaction form, named as on the wire.</summary>
internal sealed record SubmittedProof(
    string CurrencyCode,
    string WalletType,
    string Label,
    string Key1,
    long Amount,
    string CustomTransactionId,
    ReceivedScreenshot Screenshot);

/// <summary>A possible transaction the sandbox received with a valid form, and what it answered.</summary>
public sealed class ReceivedProof
{
    private int _repeatedSubmissions;

    /// <summary>Order of arrival; the listings sort on it because clock readings can tie.</summary>
    public required long Sequence { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string CurrencyCode { get; init; }
    public required string WalletType { get; init; }
    public required string Label { get; init; }
    public required string Key1 { get; init; }
    public required long Amount { get; init; }
    public required string CustomTransactionId { get; init; }
    public required ReceivedScreenshot Screenshot { get; init; }
    public required ProofOutcome Outcome { get; init; }

    /// <summary>
    /// The gateway's own 12-digit id for an accepted proof (<c>transaction_id</c> in its postbacks);
    /// <c>null</c> for a refused one.
    /// </summary>
    public required string? TransactionId { get; init; }

    public required GatewayAnswer Answer { get; init; }

    /// <summary>
    /// Later submissions with the same custom_transaction_id (all answered "already exists"): shows
    /// whether a client retried after an outcome it could not know.
    /// </summary>
    public int RepeatedSubmissions => Volatile.Read(ref _repeatedSubmissions);

    internal void CountRepeatedSubmission() => Interlocked.Increment(ref _repeatedSubmissions);
}

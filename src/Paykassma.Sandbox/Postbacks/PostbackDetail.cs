using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Postbacks;

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

    // After the summary's fields, for the same reason as the summary's own come after the facts'.

    /// <summary>The wire body, exactly as sent (UTF-8); also served raw by <c>/sandbox/postbacks/{id}/body</c>.</summary>
    [JsonPropertyOrder(2)]
    public required string Body { get; init; }

    [JsonPropertyOrder(2)]
    public required string Signature { get; init; }

    /// <summary>The most recent <see cref="PostbackRecord.MaxKeptAttempts"/> attempts, oldest first.</summary>
    [JsonPropertyOrder(2)]
    public required IReadOnlyList<PostbackAttempt> Attempts { get; init; }
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>A postback as listed: what it is and how its delivery stands, without the body.</summary>
public record PostbackSummary : PostbackFacts
{
    /// <summary>The delivery fields are set by <see cref="PostbackRecord"/>, under its lock.</summary>
    [SetsRequiredMembers]
    internal PostbackSummary(PostbackFacts facts) : base(facts)
    {
    }

    // Ordered after the facts' fields: System.Text.Json would otherwise write a derived record's own properties first.

    [JsonPropertyOrder(1)]
    public PostbackState State { get; init; }

    [JsonPropertyOrder(1)]
    public int AttemptCount { get; init; }

    [JsonPropertyOrder(1)]
    public PostbackAttempt? LastAttempt { get; init; }

    /// <summary>When the next attempt is due, for a pending postback that waits (the first delay, or a resend).</summary>
    [JsonPropertyOrder(1)]
    public DateTimeOffset? NextAttemptAt { get; init; }
}

using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Postbacks;

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

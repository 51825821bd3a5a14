using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Postbacks;

public enum PostbackSource
{
    /// <summary>Sent because a proof was accepted, as the gateway would after matching the payment.</summary>
    [JsonStringEnumMemberName("proof")]
    Proof,

    /// <summary>Asked for through <c>POST /sandbox/postbacks</c>.</summary>
    [JsonStringEnumMemberName("control")]
    Control,
}

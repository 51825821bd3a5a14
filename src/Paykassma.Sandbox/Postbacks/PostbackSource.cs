using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Postbacks;

public enum PostbackSource
{
    /// <summary>Sent because a proof was accepted, as the gateway would after matching the payment.</summary>
    [JsonStringEnumMemberName("proof")]
    Proof,

    /// <summary>Sent because a withdrawal was accepted: the outcome the gateway reports by itself.</summary>
    [JsonStringEnumMemberName("withdrawal")]
    Withdrawal,

    /// <summary>Sent because the user reported a payment in the payment window (<c>/plugin/</c>).</summary>
    [JsonStringEnumMemberName("window")]
    Window,

    /// <summary>Asked for through <c>POST /sandbox/postbacks</c> or <c>POST /sandbox/withdrawals/{id}/settle</c>.</summary>
    [JsonStringEnumMemberName("control")]
    Control,
}

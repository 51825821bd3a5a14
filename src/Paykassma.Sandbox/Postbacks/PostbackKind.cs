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

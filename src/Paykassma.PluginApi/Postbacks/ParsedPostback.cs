using System.Collections.Immutable;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>A postback whose shape is understood. Parsed is not verified: see <see cref="PostbackVerifier"/>.</summary>
public sealed record ParsedPostback
{
    public required PostbackFormat Format { get; init; }

    /// <summary>The <c>signature</c> field as received (raw JSON text if not a string); null when absent or JSON null.</summary>
    public string? Signature { get; init; }

    /// <summary>The <c>access_key</c> field as received (raw JSON text if not a string); null when absent or JSON null.</summary>
    public string? AccessKey { get; init; }

    /// <summary>
    /// The signed list (<c>additional_data</c> or, in the legacy format, <c>transactions</c>) re-encoded as
    /// PHP's <c>json_encode(…, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)</c>: the bytes the signature covers.
    /// </summary>
    public required ReadOnlyMemory<byte> SignedJson { get; init; }

    /// <summary>
    /// Legacy format only: the same value encoded without flags, as older gateway versions signed it
    /// (<c>md5($transactions->toJson())</c>). Null for the current format, which is signed one way.
    /// </summary>
    public ReadOnlyMemory<byte>? LegacyUnflaggedSignedJson { get; init; }

    /// <summary>The items of the signed value, in order: a list's elements, an object's values, or the lone value.</summary>
    public required ImmutableArray<SignedTransaction> Transactions { get; init; }

    /// <summary>Top-level values that the signature does NOT cover.</summary>
    public required UnsignedPostbackEnvelope Unsigned { get; init; }
}

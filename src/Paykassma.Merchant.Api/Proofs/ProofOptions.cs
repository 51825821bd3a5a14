using Paykassma.Merchant.Api.Dispatching;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>Proof rules and the dispatcher's schedule (<c>Proofs</c> section).</summary>
public sealed class ProofOptions
{
    public const string SectionName = "Proofs";

    /// <summary>Largest screenshot accepted; the request body limit follows it.</summary>
    public long MaxScreenshotBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Proofs a deposit may collect (an abuse limit, not a money rule).</summary>
    public int MaxProofsPerDeposit { get; set; } = 10;

    /// <summary>
    /// Phrases (case-insensitive substrings) which, in a refusal that also names the
    /// custom_transaction_id (<c>custom_transaction_id</c>, <c>custom transaction id</c>, any case,
    /// underscores, spaces or hyphens), mean "this custom_transaction_id is known already". After an
    /// attempt whose outcome we never saw, such a refusal means that attempt got through, so the
    /// proof counts as forwarded, not rejected. The same phrase about anything else ("Transaction
    /// number already used", "key1 already used") is a refusal of the proof itself.
    /// </summary>
    public string[] AlreadyKnownMessages { get; set; } = ["already exists", "already used", "already been taken", "duplicate"];

    public DispatcherOptions Dispatcher { get; set; } = new();
}

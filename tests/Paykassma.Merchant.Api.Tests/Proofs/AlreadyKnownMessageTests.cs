using Paykassma.Merchant.Api.Proofs;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>
/// Which gateway refusals, after an attempt of unknown outcome, mean "you sent this
/// custom_transaction_id already" (the proof was delivered) rather than a refusal of the proof.
/// </summary>
public sealed class AlreadyKnownMessageTests
{
    private static readonly ProofOptions Defaults = new();

    [Theory]
    [InlineData("custom_transaction_id already exists")]
    [InlineData("The custom transaction id has already been taken.")]
    [InlineData("The custom_transaction_id has already been taken.")]
    [InlineData("Custom Transaction ID already used")]
    [InlineData("Duplicate custom_transaction_id: pm_0192f0a1b2c3")]
    [InlineData("Possible transaction with this custom-transaction-id already exists")]
    [InlineData("CUSTOM_TRANSACTION_ID ALREADY EXISTS")]
    public void A_refusal_naming_the_custom_transaction_id_with_an_already_known_phrase_is_already_known(string message) =>
        Assert.True(ProofForwarder.IsAlreadyKnown(message, Defaults));

    [Theory]
    [InlineData("Transaction number already used")]
    [InlineData("key1 already used")]
    [InlineData("The key1 has already been taken.")]
    [InlineData("Transaction already exists")]
    [InlineData("Duplicate transaction")]
    [InlineData("This bank transaction is already used by another user")]
    [InlineData("Transaction not found")]
    [InlineData("custom_transaction_id is required")]
    [InlineData("The custom transaction id may not be greater than 190 characters.")]
    [InlineData("")]
    [InlineData(null)]
    public void Any_other_refusal_is_a_refusal(string? message) =>
        Assert.False(ProofForwarder.IsAlreadyKnown(message, Defaults));

    [Fact]
    public void The_phrases_are_configurable_but_the_custom_transaction_id_must_still_be_named()
    {
        var settings = new ProofOptions { AlreadyKnownMessages = ["is known"] };

        Assert.True(ProofForwarder.IsAlreadyKnown("custom_transaction_id is known", settings));
        Assert.False(ProofForwarder.IsAlreadyKnown("custom_transaction_id already exists", settings));
        Assert.False(ProofForwarder.IsAlreadyKnown("key1 is known", settings));
    }
}

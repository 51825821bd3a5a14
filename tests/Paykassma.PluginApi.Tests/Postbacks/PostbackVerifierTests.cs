using System.Text;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

public sealed class PostbackVerifierTests
{
    private const string AccessKey = "uowkn0b3LfBxpcWYHi4_";
    private const string PrivateKey = "pk_current";
    private const string PreviousPrivateKey = "pk_previous";
    private const string SignedList = """[{"transaction_id":"1","amount":"300"}]""";

    [Fact]
    public void A_body_signed_with_the_current_key_verifies_with_it()
    {
        var verification = new PostbackVerifier(AccessKey, PrivateKey, PreviousPrivateKey).Verify(Postback(SignedBy(PrivateKey)));

        Assert.True(verification.IsVerified);
        Assert.Equal(PostbackSigningKey.Current, verification.VerifiedWith);
        Assert.Equal("current", verification.VerifiedWithCode);
        Assert.Null(verification.RejectReason);
    }

    [Fact]
    public void A_body_signed_with_the_previous_key_verifies_during_rotation_only()
    {
        var postback = Postback(SignedBy(PreviousPrivateKey));

        var duringRotation = new PostbackVerifier(AccessKey, PrivateKey, PreviousPrivateKey).Verify(postback);
        var afterRotation = new PostbackVerifier(AccessKey, PrivateKey).Verify(postback);

        Assert.Equal(PostbackSigningKey.Previous, duringRotation.VerifiedWith);
        Assert.Equal("previous", duringRotation.VerifiedWithCode);
        Assert.Equal(PostbackRejectReasons.BadSignature, afterRotation.RejectReason);
    }

    [Fact]
    public void The_configured_access_key_is_hashed_even_when_the_body_has_none()
    {
        var verification = new PostbackVerifier(AccessKey, PrivateKey).Verify(Postback(SignedBy(PrivateKey), accessKey: null));

        Assert.True(verification.IsVerified);
    }

    [Fact]
    public void A_foreign_access_key_is_named_as_such()
    {
        var verification = new PostbackVerifier(AccessKey, PrivateKey).Verify(Postback(SignedBy(PrivateKey), accessKey: AccessKey + "x"));

        Assert.False(verification.IsVerified);
        Assert.Equal(PostbackRejectReasons.ForeignAccessKey, verification.RejectReason);
    }

    [Theory]
    [InlineData("""{"additional_data":[]}""")]
    [InlineData("""{"signature":"","additional_data":[]}""")]
    [InlineData("""{"signature":null,"additional_data":[]}""")]
    public void A_missing_signature_is_named_as_such(string body)
    {
        var postback = PostbackParser.Parse(Encoding.UTF8.GetBytes(body)).Postback!;

        Assert.Equal(PostbackRejectReasons.MissingSignature, new PostbackVerifier(AccessKey, PrivateKey).Verify(postback).RejectReason);
    }

    [Theory]
    [InlineData("""{"signature":{"sha1":"x"},"additional_data":[]}""", PostbackRejectReasons.BadSignature)]
    [InlineData("""{"signature":true,"additional_data":[]}""", PostbackRejectReasons.BadSignature)]
    [InlineData("""{"signature":"s","access_key":{"k":1},"additional_data":[]}""", PostbackRejectReasons.ForeignAccessKey)]
    [InlineData("""{"signature":"s","access_key":[],"additional_data":[]}""", PostbackRejectReasons.ForeignAccessKey)]
    [InlineData("""{"signature":"s","access_key":12,"additional_data":[]}""", PostbackRejectReasons.ForeignAccessKey)]
    public void Present_values_of_the_wrong_type_count_as_present(string body, string reason)
    {
        var postback = PostbackParser.Parse(Encoding.UTF8.GetBytes(body)).Postback!;

        Assert.Equal(reason, new PostbackVerifier(AccessKey, PrivateKey).Verify(postback).RejectReason);
    }

    [Fact]
    public void A_changed_signed_item_fails_but_a_changed_top_level_amount_does_not()
    {
        var signature = SignedBy(PrivateKey);
        var verifier = new PostbackVerifier(AccessKey, PrivateKey);

        var itemChanged = Postback(signature, signedList: SignedList.Replace("300", "301", StringComparison.Ordinal));
        var envelopeChanged = Postback(signature, topLevelAmount: "999999");

        Assert.Equal(PostbackRejectReasons.BadSignature, verifier.Verify(itemChanged).RejectReason);
        // The reason the parser labels the envelope UNSIGNED: this forgery verifies.
        Assert.True(verifier.Verify(envelopeChanged).IsVerified);
        Assert.Equal("999999", envelopeChanged.Unsigned.AmountText);
    }

    [Fact]
    public void Keys_do_not_leak_through_ToString()
    {
        var text = new PostbackVerifier(AccessKey, PrivateKey, PreviousPrivateKey).ToString();

        Assert.DoesNotContain(PrivateKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(PreviousPrivateKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_keys_are_refused_at_construction()
    {
        Assert.ThrowsAny<ArgumentException>(() => new PostbackVerifier("", PrivateKey));
        Assert.ThrowsAny<ArgumentException>(() => new PostbackVerifier(AccessKey, ""));
    }

    private static string SignedBy(string privateKey) => PostbackSignature.Compute(AccessKey, privateKey, Encoding.UTF8.GetBytes(SignedList));

    private static ParsedPostback Postback(string signature, string? accessKey = AccessKey, string signedList = SignedList, string topLevelAmount = "300")
    {
        var accessKeyField = accessKey is null ? "" : $"\"access_key\":\"{accessKey}\",";
        var body = $"{{\"signature\":\"{signature}\",\"amount\":{topLevelAmount},{accessKeyField}\"additional_data\":{signedList}}}";
        return PostbackVectorTests.ParseOrFail(body);
    }
}

using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

/// <summary>The shared vectors, produced and signed by PHP 8.2: every case is one test.</summary>
public sealed class PostbackVectorTests
{
    private static readonly IReadOnlyDictionary<string, SignedPostbackCase> Cases = SignedPostbackCase.LoadAll("postback-vectors.json");

    // The vectors say only valid or not; the reason each forged one must be refused for is ours to pin.
    private static readonly Dictionary<string, string> ExpectedRejectReasons = new()
    {
        ["wrong-private-key"] = PostbackRejectReasons.BadSignature,
        ["tampered-signed-amount"] = PostbackRejectReasons.BadSignature,
        ["reordered-keys"] = PostbackRejectReasons.BadSignature,
        ["foreign-access-key"] = PostbackRejectReasons.ForeignAccessKey,
        ["missing-signature"] = PostbackRejectReasons.MissingSignature,
    };

    // A case's own access_key is the one its body carries and was signed with; the merchant's configured
    // pair is the one every genuine case shares (the foreign-access-key case differs only there).
    private static readonly (string AccessKey, string PrivateKey) ConfiguredKeys =
        Cases.Values.Where(c => c.Valid).Select(c => (c.AccessKey, c.PrivateKey)).Distinct().Single();

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    public static TheoryData<string> ValidPostbacks => new(Cases.Values.Where(c => c.Valid).Select(c => c.Postback).Distinct());

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_is_classified_as_its_valid_flag_says(string name)
    {
        var vector = Cases[name];
        var postback = ParseOrFail(vector.Body);

        var verification = ConfiguredVerifier().Verify(postback);

        Assert.Equal(vector.Valid, verification.IsVerified);
        if (!vector.Valid)
        {
            Assert.Equal(ExpectedRejectReasons[vector.Postback], verification.RejectReason);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Signed_list_is_re_encoded_exactly_as_PHP_signed_it(string name)
    {
        var vector = Cases[name];

        var postback = ParseOrFail(vector.Body);

        Utf8Assert.Equal(vector.SignedJson, postback.SignedJson.Span);
    }

    [Theory]
    [MemberData(nameof(ValidPostbacks))]
    public void Every_wire_encoding_of_a_postback_verifies_with_the_same_signed_bytes(string postbackName)
    {
        var encodings = Cases.Values.Where(c => c.Postback == postbackName).ToList();
        Assert.Equal(["php_default", "pretty", "unescaped"], encodings.Select(c => c.WireEncoding).Order());

        foreach (var vector in encodings)
        {
            var postback = ParseOrFail(vector.Body);
            var verification = ConfiguredVerifier().Verify(postback);

            Assert.True(verification.IsVerified, $"{vector.Name} did not verify: {verification.RejectReason}");
            Assert.Equal(PostbackSigningKey.Current, verification.VerifiedWith);
            Utf8Assert.Equal(vector.SignedJson, postback.SignedJson.Span);
        }
    }

    [Fact]
    public void Every_forged_vector_has_an_expected_reason()
    {
        var forged = Cases.Values.Where(c => !c.Valid).Select(c => c.Postback).Distinct();

        Assert.All(forged, name => Assert.Contains(name, ExpectedRejectReasons.Keys));
    }

    [Fact]
    public void Foreign_access_key_case_would_verify_if_the_body_s_access_key_were_trusted()
    {
        var vector = Cases["foreign-access-key/php_default"];
        var postback = ParseOrFail(vector.Body);

        // Hashing with the body's access_key instead of the configured one would accept this postback.
        Assert.True(PostbackSignature.Verify(postback.AccessKey!, ConfiguredKeys.PrivateKey, postback.SignedJson.Span, postback.Signature));
        Assert.False(ConfiguredVerifier().Verify(postback).IsVerified);
    }

    private static PostbackVerifier ConfiguredVerifier() => new(ConfiguredKeys.AccessKey, ConfiguredKeys.PrivateKey);

    internal static ParsedPostback ParseOrFail(string body)
    {
        var result = PostbackParser.Parse(Fixtures.Utf8(body));
        Assert.True(result.IsSuccess, $"parse failed: {result.Failure?.Reason} {result.Failure?.Message}");
        return result.Postback;
    }
}

using System.Text;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

public sealed class PostbackSignatureTests
{
    private const string AccessKey = "ak";
    private const string PrivateKey = "pk";

    // Known answers computed with PHP 8.2: sha1($accessKey . $privateKey . md5($signedJson)).
    [Theory]
    [InlineData("ak", "pk", "[]", "ec45a55bce00da962e7bca8d540a904cb4505f38")]
    [InlineData("ключ", "секрет😀", "[{\"a\":\"é/\"}]", "6c3e6f6591de4f084fc9baa434bea8addbaef535")]
    public void Compute_matches_PHP(string accessKey, string privateKey, string signedJson, string expected)
        => Assert.Equal(expected, PostbackSignature.Compute(accessKey, privateKey, Encoding.UTF8.GetBytes(signedJson)));

    [Fact]
    public void Compute_matches_PHP_for_keys_longer_than_the_stack_buffer()
    {
        var privateKey = new string('k', 600);

        Assert.Equal("86c418e56a4e2f52d721b84eefa69068f08d6b4b", PostbackSignature.Compute("access", privateKey, "[]"u8));
    }

    [Fact]
    public void Compute_matches_the_seed_vector()
    {
        var vector = SignedPostbackCase.LoadAll("postback-vectors.json")["seed-example/php_default"];

        var signature = PostbackSignature.Compute(vector.AccessKey, vector.PrivateKey, Encoding.UTF8.GetBytes(vector.SignedJson));

        Assert.Equal("c97b48a87f9b5b1fdf5412f71c2058a68080d33e", signature);
    }

    [Theory]
    [InlineData("ec45a55bce00da962e7bca8d540a904cb4505f38")]
    [InlineData("EC45A55BCE00DA962E7BCA8D540A904CB4505F38")]
    [InlineData("Ec45a55bCE00da962e7bca8d540a904cb4505F38")]
    public void Verify_accepts_either_letter_case(string received)
        => Assert.True(PostbackSignature.Verify(AccessKey, PrivateKey, "[]"u8, received));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ec45a55bce00da962e7bca8d540a904cb4505f3")]
    [InlineData("ec45a55bce00da962e7bca8d540a904cb4505f380")]
    [InlineData(" ec45a55bce00da962e7bca8d540a904cb4505f38")]
    [InlineData("ec45a55bce00da962e7bca8d540a904cb4505f3g")]
    [InlineData("ec45a55bce00da962e7bca8d540a904cb4505f3٨")]
    [InlineData("ec45a55bce00da962e7bca8d540a904cb4505f39")]
    [InlineData("0000000000000000000000000000000000000000")]
    public void Verify_rejects_wrong_length_non_hex_and_wrong_digests(string? received)
        => Assert.False(PostbackSignature.Verify(AccessKey, PrivateKey, "[]"u8, received));

    [Fact]
    public void Verify_depends_on_every_input()
    {
        const string Signature = "ec45a55bce00da962e7bca8d540a904cb4505f38";

        Assert.False(PostbackSignature.Verify("aK", PrivateKey, "[]"u8, Signature));
        Assert.False(PostbackSignature.Verify(AccessKey, "pK", "[]"u8, Signature));
        Assert.False(PostbackSignature.Verify(AccessKey, PrivateKey, "[ ]"u8, Signature));
    }
}

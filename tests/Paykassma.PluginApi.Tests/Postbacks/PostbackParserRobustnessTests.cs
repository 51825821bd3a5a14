using System.Text;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

/// <summary>Whatever bytes arrive, the parser answers with a postback or a reason; it never throws.</summary>
public sealed class PostbackParserRobustnessTests
{
    private static readonly IReadOnlyList<SignedPostbackCase> Vectors = [.. SignedPostbackCase.LoadAll("postback-vectors.json").Values];

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20260127);
        for (var i = 0; i < 5_000; i++)
        {
            var body = new byte[random.Next(0, 300)];
            random.NextBytes(body);
            AssertAnswered(body);
        }
    }

    [Fact]
    public void Random_JSON_like_text_never_throws()
    {
        const string Alphabet = "{}[]\":,\\/ u0123456789abcdefADnulltruefalse.-+eE\u00e9\u2028😀";
        var random = new Random(42);
        for (var i = 0; i < 5_000; i++)
        {
            var text = new StringBuilder("{\"additional_data\":[{\"transaction_id\":\"1\",\"x\":");
            var length = random.Next(0, 60);
            for (var c = 0; c < length; c++)
            {
                text.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            AssertAnswered(Encoding.UTF8.GetBytes(text.ToString()));
        }
    }

    [Fact]
    public void Mutated_genuine_bodies_never_throw()
    {
        var random = new Random(7);
        foreach (var vector in Vectors)
        {
            var original = Encoding.UTF8.GetBytes(vector.Body);
            for (var i = 0; i < 300; i++)
            {
                var mutated = (byte[])original.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                AssertAnswered(mutated);
            }
        }
    }

    [Fact]
    public void Every_truncation_of_every_vector_body_fails_cleanly()
    {
        foreach (var vector in Vectors)
        {
            var body = Encoding.UTF8.GetBytes(vector.Body);
            for (var length = 0; length < body.Length; length++)
            {
                var result = AssertAnswered(body.AsMemory(0, length));
                Assert.False(result.IsSuccess, $"{vector.Name} cut at {length} parsed");
            }
        }
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{\"a\":", "}")]
    [InlineData("{\"additional_data\":[", "]}")]
    public void Ten_thousand_levels_of_nesting_are_too_deep(string open, string close)
    {
        var balanced = string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000));
        var unclosed = string.Concat(Enumerable.Repeat(open, 10_000));

        Assert.Equal(PostbackParseReasons.TooDeep, AssertAnswered(Encoding.UTF8.GetBytes(balanced)).Failure?.Reason);
        Assert.Equal(PostbackParseReasons.TooDeep, AssertAnswered(Encoding.UTF8.GetBytes(unclosed)).Failure?.Reason);
    }

    [Fact]
    public void Nesting_inside_strings_does_not_count_as_depth()
    {
        var brackets = new string('[', 1_000);
        var body = $$"""{"additional_data":[{"transaction_id":"1","comment":"{{brackets}}\"\\"}]}""";

        Assert.True(AssertAnswered(Encoding.UTF8.GetBytes(body)).IsSuccess);
    }

    [Fact]
    public void A_one_megabyte_string_is_carried_through()
    {
        var comment = new string('x', 1 << 20) + "/é";
        var body = $$"""{"signature":"s","additional_data":[{"transaction_id":"1","comment":"{{comment}}"}]}""";

        var result = AssertAnswered(Encoding.UTF8.GetBytes(body));

        Assert.True(result.IsSuccess);
        Assert.Contains(comment, Encoding.UTF8.GetString(result.Postback.SignedJson.Span), StringComparison.Ordinal);
        Assert.Equal(PostbackParseReasons.NotAnObject, AssertAnswered(Encoding.UTF8.GetBytes($"\"{comment}\"")).Failure?.Reason);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
    public void Invalid_UTF8_is_refused_wherever_it_is(byte[] invalid)
    {
        byte[][] bodies =
        [
            [.. "{\"additional_data\":[{\"transaction_id\":\"1\",\"comment\":\""u8, .. invalid, .. "\"}]}"u8],
            [.. "{\"additional_data\":[{\"transaction_id\":\"1\",\""u8, .. invalid, .. "\":1}]}"u8],
            [.. "{\"label\":\""u8, .. invalid, .. "\",\"additional_data\":[]}"u8],
            [.. invalid, .. "{}"u8],
        ];

        Assert.All(bodies, body => Assert.Equal(PostbackParseReasons.InvalidUtf8, AssertAnswered(body).Failure?.Reason));
    }

    [Theory]
    [InlineData("1e999999")]
    [InlineData("-0.0000000000000000000000000000000000000000000001")]
    public void Huge_numbers_are_kept_as_text(string number)
    {
        var digits = new string('9', 10_000);
        var body = $$"""{"amount":{{number}},"additional_data":[{"transaction_id":{{digits}},"amount":{{number}},"withdrawal_status":{{digits}}}]}""";

        var result = AssertAnswered(Encoding.UTF8.GetBytes(body));

        Assert.True(result.IsSuccess);
        var transaction = Assert.Single(result.Postback.Transactions);
        Assert.Equal(digits, transaction.TransactionId);
        Assert.Equal(number, transaction.AmountText);
        Assert.Null(transaction.WithdrawalStatus);
        Assert.Equal(number, result.Postback.Unsigned.AmountText);
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":1,\"additional_data\":[]}")]
    [InlineData("{\"additional_data\":[],\"additional_data\":[]}")]
    [InlineData("{\"access_key\":\"x\",\"acc\\u0065ss_key\":\"y\",\"additional_data\":[]}")]
    public void Duplicate_keys_are_refused(string body)
        => Assert.Equal(PostbackParseReasons.DuplicateKey, AssertAnswered(Encoding.UTF8.GetBytes(body)).Failure?.Reason);

    private static PostbackParseResult AssertAnswered(ReadOnlyMemory<byte> body)
    {
        var result = PostbackParser.Parse(body);
        if (!result.IsSuccess)
        {
            Assert.Contains(result.Failure.Reason, PostbackParseReasons.All);
            Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
        }

        return result;
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

public sealed class PhpJsonWriterTests
{
    [Theory]
    [InlineData("[1.0e+25,9007199254740993,300.5,-1,-0,1E5,0.30000000000000004]")]
    [InlineData("{\"a\":true,\"b\":false,\"c\":null,\"d\":[],\"e\":{}}")]
    [InlineData("[\"<>&'+\u007f\"]")]
    public void Values_that_need_no_escaping_are_copied_unchanged(string json)
    {
        Assert.Equal(json, EncodeToString(json, PhpJsonFlags.Signing));
        Assert.Equal(json, EncodeToString(json, PhpJsonFlags.None));
    }

    [Theory]
    [InlineData(PhpJsonFlags.None, "\"a\\/b \\u00e9 \\ud83c\\udde7 \\u2028\\u2029 \\u0001\\u001f \\b\\f\\n\\r\\t \\\"\\\\\"")]
    [InlineData(PhpJsonFlags.UnescapedSlashes, "\"a/b \\u00e9 \\ud83c\\udde7 \\u2028\\u2029 \\u0001\\u001f \\b\\f\\n\\r\\t \\\"\\\\\"")]
    [InlineData(PhpJsonFlags.Signing, "\"a/b é 🇧 \\u2028\\u2029 \\u0001\\u001f \\b\\f\\n\\r\\t \\\"\\\\\"")]
    public void Strings_are_escaped_as_PHP_escapes_them(PhpJsonFlags flags, string expected)
    {
        const string Wire = "\"a\\/b \\u00E9 \\uD83C\\uDDE7 \u2028\\u2029 \\u0001\\u001F \\b\\f\\n\\r\\t \\\"\\\\\"";

        Assert.Equal(expected, EncodeToString(Wire, flags));
    }

    [Fact]
    public void Pretty_print_uses_four_spaces_and_keeps_empty_containers_closed()
    {
        const string Expected = "{\n    \"a\": [],\n    \"b\": {},\n    \"c\": [\n        1,\n        {\n            \"d\": null\n        }\n    ]\n}";

        Assert.Equal(Expected, EncodeToString("{\"a\":[],\"b\":{},\"c\":[1,{\"d\":null}]}", PhpJsonFlags.PrettyPrint));
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"x\\ud83c\"")]
    [InlineData("\"\\ud83c\\u0041\"")]
    [InlineData("\"\\ud83c\\ud83c\"")]
    [InlineData("{\"\\ud800\":1}")]
    [InlineData("[1,{\"a\":[\"\\udfff\"]}]")]
    public void Lone_surrogate_escapes_are_refused_as_PHP_refuses_them(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.False(PhpJson.TryWrite(document.RootElement, new ArrayBufferWriter<byte>(), PhpJsonFlags.Signing, out var error));
        Assert.Equal(PhpJsonError.InvalidString, error);
        var exception = Assert.Throws<PhpJsonException>(() => PhpJson.Encode(document.RootElement, PhpJsonFlags.Signing));
        Assert.Equal(PhpJsonError.InvalidString, exception.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void Invalid_UTF8_inside_strings_is_refused(byte[] invalid)
    {
        // System.Text.Json accepts these bytes in a string without complaint; PHP would not.
        byte[] json = [.. "[\"ok "u8, .. invalid, .. " tail\"]"u8];
        using var document = JsonDocument.Parse(json);

        foreach (var flags in new[] { PhpJsonFlags.None, PhpJsonFlags.Signing })
        {
            Assert.False(PhpJson.TryWrite(document.RootElement, new ArrayBufferWriter<byte>(), flags, out var error));
            Assert.Equal(PhpJsonError.InvalidString, error);
        }
    }

    [Fact]
    public void Nesting_beyond_PHP_s_default_depth_is_refused()
    {
        using var deepest = JsonDocument.Parse(Nested(PhpJson.MaxDepth), new JsonDocumentOptions { MaxDepth = 1000 });
        using var tooDeep = JsonDocument.Parse(Nested(PhpJson.MaxDepth + 1), new JsonDocumentOptions { MaxDepth = 1000 });

        Assert.True(PhpJson.TryWrite(deepest.RootElement, new ArrayBufferWriter<byte>(), PhpJsonFlags.PrettyPrint, out _));
        Assert.False(PhpJson.TryWrite(tooDeep.RootElement, new ArrayBufferWriter<byte>(), PhpJsonFlags.None, out var error));
        Assert.Equal(PhpJsonError.TooDeep, error);
    }

    [Fact]
    public void Long_strings_cross_buffer_chunks_intact()
    {
        var text = string.Concat(Enumerable.Repeat("abc/é😀\u2028\\\"\n", 50_000));
        var json = JsonSerializer.Serialize(text);
        using var document = JsonDocument.Parse(json);
        var expected = "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\u2028", "\\u2028") + "\"";

        var output = new ArrayBufferWriter<byte>(16);
        PhpJson.Write(document.RootElement, output, PhpJsonFlags.Signing);

        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Writing_a_postback_list_does_not_allocate()
    {
        var body = "[{\"comment\":\"Paid via mBoB \\/ ref \\u0f56\\u0fb2 \\ud83c\\udde7\",\"amount\":300.5,\"n\":null,\"t\":true,\"x\":[],\"y\":{}}]";
        using var document = JsonDocument.Parse(body);
        var output = new ArrayBufferWriter<byte>(4096);
        PhpJson.Write(document.RootElement, output, PhpJsonFlags.Signing);

        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        PhpJson.Write(document.RootElement, output, PhpJsonFlags.Signing);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static string EncodeToString(string json, PhpJsonFlags flags)
    {
        using var document = JsonDocument.Parse(json);
        return Encoding.UTF8.GetString(PhpJson.Encode(document.RootElement, flags));
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);
}

using System.Text;

namespace Paykassma.PluginApi.Tests.Postbacks;

internal static class Utf8Assert
{
    /// <summary>Byte-for-byte equality, reported as text so a failure shows where the encodings part.</summary>
    public static void Equal(string expected, ReadOnlySpan<byte> actual)
    {
        if (!actual.SequenceEqual(Encoding.UTF8.GetBytes(expected)))
        {
            Assert.Equal(expected, Encoding.UTF8.GetString(actual));
            Assert.Fail("The bytes differ although they decode to the same text (invalid UTF-8 in the output?).");
        }
    }
}

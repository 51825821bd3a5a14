using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// The gateway's postback signature: <c>sha1(access_key . private_key . md5(signed_json))</c>, where
/// md5 and sha1 are PHP's lowercase hex digests and <c>.</c> is string concatenation.
/// </summary>
public static class PostbackSignature
{
    /// <summary>Length of a SHA-1 digest in hex.</summary>
    public const int HexLength = 40;

    private const int Md5HexLength = 32;
    private const int StackLimit = 512;

    /// <returns>The expected signature as 40 lowercase hex characters.</returns>
    public static string Compute(string accessKey, string privateKey, ReadOnlySpan<byte> signedJson)
    {
        Span<byte> signature = stackalloc byte[HexLength];
        ComputeHex(KeyPrefix(accessKey, privateKey), signedJson, signature);
        return Encoding.ASCII.GetString(signature);
    }

    /// <summary>
    /// True when <paramref name="receivedSignature"/> is the signature of <paramref name="signedJson"/>,
    /// in either letter case. Compared in constant time so a forger cannot learn it byte by byte.
    /// </summary>
    public static bool Verify(string accessKey, string privateKey, ReadOnlySpan<byte> signedJson, string? receivedSignature)
        => Matches(KeyPrefix(accessKey, privateKey), signedJson, receivedSignature);

    /// <summary>UTF-8 of <c>access_key . private_key</c>, the part of the SHA-1 input that does not depend on the postback.</summary>
    internal static byte[] KeyPrefix(string accessKey, string privateKey)
    {
        ArgumentNullException.ThrowIfNull(accessKey);
        ArgumentNullException.ThrowIfNull(privateKey);
        return Encoding.UTF8.GetBytes(accessKey + privateKey);
    }

    internal static bool Matches(ReadOnlySpan<byte> keyPrefix, ReadOnlySpan<byte> signedJson, string? receivedSignature)
    {
        Span<byte> received = stackalloc byte[HexLength];
        if (!TryNormalizeHex(receivedSignature, received))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HexLength];
        ComputeHex(keyPrefix, signedJson, expected);
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }

    internal static void ComputeHex(ReadOnlySpan<byte> keyPrefix, ReadOnlySpan<byte> signedJson, Span<byte> hexDestination)
    {
        var inputLength = keyPrefix.Length + Md5HexLength;
        byte[]? rented = null;
        var input = inputLength <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(inputLength));
        input = input[..inputLength];
        try
        {
            keyPrefix.CopyTo(input);
            Span<byte> md5 = stackalloc byte[MD5.HashSizeInBytes];
            MD5.HashData(signedJson, md5);
            Convert.TryToHexStringLower(md5, input[keyPrefix.Length..], out _);

            Span<byte> sha1 = stackalloc byte[SHA1.HashSizeInBytes];
            SHA1.HashData(input, sha1);
            Convert.TryToHexStringLower(sha1, hexDestination, out _);
        }
        finally
        {
            // The buffer held the private key; do not leave it in pooled or stack memory.
            CryptographicOperations.ZeroMemory(input);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Copies a 40-digit hex signature as lowercase ASCII; anything else is not a signature.</summary>
    private static bool TryNormalizeHex(string? signature, Span<byte> destination)
    {
        if (signature is null || signature.Length != HexLength)
        {
            return false;
        }

        for (var i = 0; i < HexLength; i++)
        {
            var c = signature[i];
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            destination[i] = (byte)(c | 0x20);
        }

        return true;
    }
}

using System.Security.Cryptography;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>What a screenshot really is, judged by its first bytes, never by its name or declared type.</summary>
public sealed record ScreenshotKind(string ContentType, string Extension);

public sealed record InspectedScreenshot(ScreenshotKind? Kind, long Size, string Sha256);

public static class ScreenshotInspector
{
    private static readonly ScreenshotKind Jpeg = new("image/jpeg", ".jpg");
    private static readonly ScreenshotKind Png = new("image/png", ".png");
    private static readonly ScreenshotKind WebP = new("image/webp", ".webp");
    private static readonly ScreenshotKind Heic = new("image/heic", ".heic");
    private static readonly ScreenshotKind Pdf = new("application/pdf", ".pdf");

    // ISO-BMFF brands of HEIF/HEIC stills and sequences (AVIF's "avif" is deliberately not here).
    private static readonly string[] HeifBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"];

    /// <summary>Its kind from the magic bytes, its size and SHA-256.</summary>
    public static InspectedScreenshot Inspect(ReadOnlySpan<byte> content) =>
        new(Detect(content[..Math.Min(content.Length, 16)]), content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));

    public static ScreenshotKind? Detect(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }
        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }
        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return WebP;
        }
        if (header.Length >= 12 && header.Slice(4, 4).SequenceEqual("ftyp"u8)
            && HeifBrands.Contains(System.Text.Encoding.ASCII.GetString(header.Slice(8, 4))))
        {
            return Heic;
        }
        return header.StartsWith("%PDF-"u8) ? Pdf : null;
    }
}

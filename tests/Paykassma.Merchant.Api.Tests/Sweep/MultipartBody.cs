using System.Text;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>One part of a hand-written multipart body: its header lines exactly as given, then its bytes.</summary>
public sealed record Part(string HeaderLines, byte[] Content)
{
    public static Part Text(string name, string value) =>
        new($"Content-Disposition: form-data; name=\"{name}\"", Encoding.UTF8.GetBytes(value));

    public static Part Bytes(string name, byte[] value) => new($"Content-Disposition: form-data; name=\"{name}\"", value);

    public static Part File(string name, string fileName, byte[]? content = null, string contentType = "image/png") =>
        new($"Content-Disposition: form-data; name=\"{name}\"; filename=\"{fileName}\"\r\nContent-Type: {contentType}", content ?? MultipartBody.Png);
}

/// <summary>
/// multipart/form-data written byte by byte (HttpClient's MultipartFormDataContent cannot be made to
/// lie): header lines are Latin-1, so a part header can carry any byte.
/// </summary>
public static class MultipartBody
{
    public const string Boundary = "sweep-7d1f0c";
    public const string ContentType = "multipart/form-data; boundary=" + Boundary;

    public static readonly byte[] Png = ProofScript.Png(512, seed: 11);

    /// <summary>The three fields of a proof that would be accepted, in order.</summary>
    public static Part[] ValidParts(string transactionNumber = "123456789012", string amount = "300", string fileName = "payment.png") =>
    [
        Part.Text("transactionNumber", transactionNumber),
        Part.Text("amount", amount),
        Part.File("screenshot", fileName),
    ];

    public static byte[] Build(IEnumerable<Part> parts, string boundary = Boundary, bool close = true, string preamble = "", string epilogue = "")
    {
        var body = new MemoryStream();
        body.Write(Encoding.Latin1.GetBytes(preamble));
        foreach (var part in parts)
        {
            body.Write(Encoding.Latin1.GetBytes($"--{boundary}\r\n{part.HeaderLines}\r\n\r\n"));
            body.Write(part.Content);
            body.Write("\r\n"u8);
        }
        if (close)
        {
            body.Write(Encoding.Latin1.GetBytes($"--{boundary}--\r\n"));
        }
        body.Write(Encoding.Latin1.GetBytes(epilogue));
        return body.ToArray();
    }
}

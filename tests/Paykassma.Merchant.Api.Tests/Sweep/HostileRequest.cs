using System.Globalization;
using System.Text;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>Which kind of 4xx body a route owes its callers.</summary>
public enum ErrorShape
{
    /// <summary>RFC 9457 problem details (application/problem+json): every route but the postback.</summary>
    Problem,

    /// <summary>The gateway's own {"status":"fail",…} JSON: the postback route.</summary>
    GatewayFail,
}

/// <summary>
/// One request of the corpus, as the exact bytes that go on the wire. <see cref="ServerMayRefuse"/>
/// marks requests that are not valid HTTP/1.1 or break the server's own limits (framing, header
/// syntax and size, request line): Kestrel may answer those itself with an empty 4xx or close the
/// connection, before the application sees them. Every other request must reach the application
/// and get a complete, well-shaped answer. <see cref="UnsupportedVersion"/> marks a request line
/// whose HTTP version is not 1.x: Kestrel answers those 505 itself, as RFC 9110 §15.6.6 has it.
/// </summary>
public sealed record HostileRequest(
    string Category,
    string Route,
    string Name,
    byte[] Bytes,
    ErrorShape Shape,
    bool ServerMayRefuse = false,
    bool HalfClose = false,
    bool IsHead = false)
{
    /// <summary>The request line does not end in HTTP/1.0 or HTTP/1.1 (the name is case-sensitive).</summary>
    public bool UnsupportedVersion
    {
        get
        {
            var lineEnd = Bytes.AsSpan().IndexOf((byte)'\n');
            var line = Encoding.Latin1.GetString(lineEnd < 0 ? Bytes : Bytes[..lineEnd]).TrimEnd('\r');
            var version = line[(line.LastIndexOf(' ') + 1)..];
            return version is not ("HTTP/1.0" or "HTTP/1.1");
        }
    }

    /// <summary>The request head as text (bodies elided), for a failure message that can be replayed.</summary>
    public string Reproducer
    {
        get
        {
            var headEnd = Bytes.AsSpan().IndexOf("\r\n\r\n"u8);
            var head = headEnd < 0 ? Bytes[..Math.Min(Bytes.Length, 600)] : Bytes[..headEnd];
            var text = Escape(head.Length > 1200 ? head[..1200] : head);
            var bodyLength = headEnd < 0 ? 0 : Bytes.Length - headEnd - 4;
            var body = bodyLength == 0 ? "" : $"\n  body ({bodyLength} bytes): {Escape(Bytes.AsSpan(headEnd + 4, Math.Min(bodyLength, 300)).ToArray())}";
            return "  " + text.Replace("\\r\\n", "\\r\\n\n  ", StringComparison.Ordinal) + body;
        }
    }

    private static string Escape(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => "\\x" + b.ToString("X2", CultureInfo.InvariantCulture),
            });
        }
        return text.ToString();
    }
}

/// <summary>
/// Builds well-formed HTTP/1.1 requests (with Connection: close) whose parts may be hostile.
/// Header values are Latin-1 strings, so any byte (NUL, 0xFF) can be written as a char.
/// </summary>
public sealed class RequestBuilder(string method, string target)
{
    public string Target => target;

    private readonly List<(string Name, string Value)> _headers = [("Host", "localhost")];
    private byte[]? _body;
    private bool _chunked;
    private int _chunkSize = 4096;
    private bool _contentLength = true;
    private string _version = "HTTP/1.1";

    public RequestBuilder Header(string name, string value)
    {
        _headers.Add((name, value));
        return this;
    }

    public RequestBuilder Bearer(string? token) => token is null ? this : Header("Authorization", "Bearer " + token);

    public RequestBuilder WithoutHost()
    {
        _headers.RemoveAll(h => h.Name == "Host");
        return this;
    }

    public RequestBuilder Version(string version)
    {
        _version = version;
        return this;
    }

    public RequestBuilder Body(byte[] body, string? contentType)
    {
        _body = body;
        return contentType is null ? this : Header("Content-Type", contentType);
    }

    public RequestBuilder Json(string json) => Body(Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>Sends the body with Transfer-Encoding: chunked in chunks of the given size.</summary>
    public RequestBuilder Chunked(int chunkSize = 4096)
    {
        _chunked = true;
        _chunkSize = chunkSize;
        return this;
    }

    /// <summary>No framing header of our own: the test adds its own (lying or conflicting) ones.</summary>
    public RequestBuilder NoContentLength()
    {
        _contentLength = false;
        return this;
    }

    public byte[] Build()
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(' ').Append(_version).Append("\r\n");
        foreach (var (name, value) in _headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (!_headers.Any(h => h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Connection: close\r\n");
        }
        var body = _body ?? [];
        if (_chunked)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }
        else if (_contentLength && (_body is not null || method is "POST" or "PUT" or "PATCH"))
        {
            head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        head.Append("\r\n");

        var bytes = new MemoryStream();
        bytes.Write(Encoding.Latin1.GetBytes(head.ToString()));
        if (_chunked)
        {
            for (var offset = 0; offset < body.Length; offset += _chunkSize)
            {
                var size = Math.Min(_chunkSize, body.Length - offset);
                bytes.Write(Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                bytes.Write(body, offset, size);
                bytes.Write("\r\n"u8);
            }
            bytes.Write("0\r\n\r\n"u8);
        }
        else
        {
            bytes.Write(body);
        }
        return bytes.ToArray();
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>How an exchange on one connection ended.</summary>
public enum ExchangeOutcome
{
    /// <summary>A complete (final, non-1xx) HTTP response arrived.</summary>
    Answered,

    /// <summary>The server closed the connection cleanly without a byte of response.</summary>
    ClosedWithoutAnswer,

    /// <summary>The server reset the connection before any response.</summary>
    Reset,

    /// <summary>The server answered in HTTP/2 frames (SETTINGS, GOAWAY): what Kestrel does with the cleartext HTTP/2 preface.</summary>
    Http2Frames,

    /// <summary>Bytes arrived that are not an HTTP/1.1 response.</summary>
    Garbled,

    /// <summary>No complete response within the time allowed.</summary>
    TimedOut,
}

/// <param name="Truncated">The connection ended before the whole body arrived (the server hung up on an unread request body).</param>
public sealed record RawResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, bool Truncated = false)
{
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>The media type without parameters, lower case; null when there is no Content-Type.</summary>
    public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim().ToLowerInvariant();

    public string BodyText => Encoding.UTF8.GetString(Body);
}

public sealed record RawExchange(ExchangeOutcome Outcome, RawResponse? Response, string? Detail);

/// <summary>
/// HTTP/1.1 over a bare socket, so a request can be anything at all: conflicting framing headers,
/// NUL bytes, invalid UTF-8, lying lengths. Writing and reading run at once, because the server may
/// answer (413, 401) and hang up long before a large body is sent.
/// </summary>
public static class RawHttp
{
    private const int MaxResponseBytes = 8 * 1024 * 1024;

    public static async Task<RawExchange> ExchangeAsync(IPEndPoint server, byte[] request, bool halfClose, bool isHead, TimeSpan timeout)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(server, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return new RawExchange(ExchangeOutcome.TimedOut, null, "connect timed out");
        }

        var sending = SendAsync(socket, request, halfClose, deadline.Token);
        var received = new MemoryStream();
        string? error = null;
        var reset = false;
        var buffer = new byte[64 * 1024];
        try
        {
            while (received.Length < MaxResponseBytes)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (read == 0)
                {
                    break;
                }
                received.Write(buffer, 0, read);
                if (TryParse(received.ToArray(), isHead, complete: false) is { } early)
                {
                    // A whole response: no need to wait for the server to close.
                    await StopSendingAsync(socket, sending);
                    return new RawExchange(ExchangeOutcome.Answered, early, null);
                }
            }
        }
        catch (OperationCanceledException)
        {
            await StopSendingAsync(socket, sending);
            return new RawExchange(ExchangeOutcome.TimedOut, TryParse(received.ToArray(), isHead, complete: true),
                $"{received.Length} bytes received before the deadline");
        }
        catch (SocketException ex)
        {
            reset = ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted;
            error = ex.SocketErrorCode.ToString();
        }
        await StopSendingAsync(socket, sending);

        var bytes = received.ToArray();
        if (bytes.Length == 0)
        {
            return new RawExchange(reset ? ExchangeOutcome.Reset : ExchangeOutcome.ClosedWithoutAnswer, null, error);
        }
        if (TryParse(bytes, isHead, complete: true) is { } response)
        {
            return new RawExchange(ExchangeOutcome.Answered, response, error);
        }
        return IsHttp2Frame(bytes)
            ? new RawExchange(ExchangeOutcome.Http2Frames, null, Convert.ToHexString(bytes[..Math.Min(bytes.Length, 40)]))
            : new RawExchange(ExchangeOutcome.Garbled, null, Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 200)]));
    }

    /// <summary>A frame header of a connection-level SETTINGS or GOAWAY frame (stream 0).</summary>
    private static bool IsHttp2Frame(byte[] bytes) =>
        bytes.Length >= 9 && bytes[3] is 0x04 or 0x07 && bytes[5] == 0 && bytes[6] == 0 && bytes[7] == 0 && bytes[8] == 0;

    private static async Task SendAsync(Socket socket, byte[] request, bool halfClose, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (sent < request.Length)
        {
            sent += await socket.SendAsync(request.AsMemory(sent, Math.Min(64 * 1024, request.Length - sent)), SocketFlags.None, cancellationToken);
        }
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>The server may stop reading once it has answered: a write still pending then fails, which is fine.</summary>
    private static async Task StopSendingAsync(Socket socket, Task sending)
    {
        if (!sending.IsCompleted)
        {
            socket.Close(0);
        }
        try
        {
            await sending;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The server hung up on the rest of the body after answering.
        }
    }

    /// <summary>
    /// The first final response in <paramref name="bytes"/>, skipping 1xx interim answers; null when
    /// it is not complete yet. With <paramref name="complete"/> the connection has ended, so a body
    /// without a length runs to the end of the bytes.
    /// </summary>
    internal static RawResponse? TryParse(byte[] bytes, bool isHead, bool complete)
    {
        var offset = 0;
        while (true)
        {
            var headEnd = bytes.AsSpan(offset).IndexOf("\r\n\r\n"u8);
            if (headEnd < 0)
            {
                return null;
            }
            var head = Encoding.Latin1.GetString(bytes, offset, headEnd).Split("\r\n");
            var statusLine = head[0].Split(' ', 3);
            if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
                || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                return null;
            }
            var headers = head.Skip(1).Select(line => line.Split(':', 2)).Where(p => p.Length == 2)
                .Select(p => (p[0].Trim(), p[1].Trim())).ToList();
            var bodyStart = offset + headEnd + 4;
            if (status is >= 100 and < 200)
            {
                offset = bodyStart;
                continue;
            }

            var response = new RawResponse(status, headers, []);
            if (isHead || status is 204 or 304)
            {
                return response;
            }
            if (response.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                // The server may close before its last chunk when the request itself never ended
                // (a request without its last chunk): judge the whole chunks that did arrive.
                var body = Dechunk(bytes.AsSpan(bodyStart), out var ended);
                return ended ? response with { Body = body } : complete ? response with { Body = body, Truncated = true } : null;
            }
            if (long.TryParse(response.Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return bytes.Length - bodyStart >= length ? response with { Body = bytes.AsSpan(bodyStart, (int)length).ToArray() }
                    : complete ? response with { Body = bytes[bodyStart..], Truncated = true } : null;
            }
            return complete ? response with { Body = bytes[bodyStart..] } : null;
        }
    }

    /// <summary>The body of the whole chunks in <paramref name="chunked"/>; <paramref name="ended"/> when the last chunk arrived too.</summary>
    private static byte[] Dechunk(ReadOnlySpan<byte> chunked, out bool ended)
    {
        var body = new MemoryStream();
        ended = false;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return body.ToArray();
            }
            var sizeText = Encoding.ASCII.GetString(chunked[..lineEnd]).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size))
            {
                return body.ToArray();
            }
            chunked = chunked[(lineEnd + 2)..];
            if (size == 0)
            {
                ended = chunked.IndexOf("\r\n"u8) >= 0;
                return body.ToArray();
            }
            if (chunked.Length < size + 2)
            {
                return body.ToArray();
            }
            body.Write(chunked[..size]);
            chunked = chunked[(size + 2)..];
        }
    }
}

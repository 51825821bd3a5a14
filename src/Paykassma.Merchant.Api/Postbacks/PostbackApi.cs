using System.Buffers;
using System.ComponentModel;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>
/// The gateway's postback URL. Anonymous (the signature is its authentication), no antiforgery, the
/// body read raw (no model binding: the signature is over values re-encoded from exactly these
/// bytes), and answers in the gateway's own {"status":…} shape. "ok" is only said after COMMIT.
/// </summary>
public static class PostbackApi
{
    /// <summary>The one URL the gateway posts to; every answer on it, errors included, is in its shape.</summary>
    public const string Route = "/api/paykassma/postback";

    private static readonly byte[] Ok = """{"status":"ok"}"""u8.ToArray();

    /// <summary>The gateway's answer once the postback is committed, for the OpenAPI document: {"status":"ok"}.</summary>
    public sealed record PostbackAccepted([property: Description("Always \"ok\".")] string Status);

    /// <summary>Any other answer, for the OpenAPI document: {"status":"fail"} and why, in the gateway's shape.</summary>
    public sealed record PostbackFailed(
        [property: Description("Always \"fail\".")] string Status,
        [property: Description("Why the postback was not stored, for the gateway's logs.")] string Message);

    public static RouteGroupBuilder MapPostbackApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Gateway").AllowAnonymous()
            .WithMetadata(new OwnErrorShape(WriteFailAsync));
        // Another method is still the gateway's URL: its 405 too is in the gateway's shape.
        group.MapMethods(Route, [HttpMethods.Get, HttpMethods.Head, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Options],
                MethodNotAllowed)
            .ExcludeFromDescription();
        group.MapPost(Route, ReceivePostback)
            .WithName("ReceivePostback")
            .WithSummary("Paykassma's signed postback (called by the gateway, not by people)")
            .WithDescription("Answers 200 {\"status\":\"ok\"} once a verified postback is committed, whatever its items hold (also for one already known); " +
                             "401 for a bad signature or foreign access key; 400 for a body that is not a postback; " +
                             "503 when it cannot be stored (the gateway resends).")
            .Produces<PostbackAccepted>(StatusCodes.Status200OK, "application/json")
            .Produces<PostbackFailed>(StatusCodes.Status400BadRequest, "application/json")
            .Produces<PostbackFailed>(StatusCodes.Status401Unauthorized, "application/json")
            .Produces<PostbackFailed>(StatusCodes.Status413PayloadTooLarge, "application/json")
            .Produces<PostbackFailed>(StatusCodes.Status503ServiceUnavailable, "application/json")
            .DisableAntiforgery()
            // Nothing to validate (the body is read raw, the other parameters are services), yet the
            // global validation filter walked the parameters on every postback: ~2% of its CPU.
            .DisableValidation()
            // Its own bounds: a capped body and database timeouts; it must finish what it starts.
            .DisableRequestTimeout()
            // The server stops reading a little past our own limit; ours decides and records.
            .WithRequestBodyLimit(services => services.GetRequiredService<IOptions<PostbackOptions>>().Value.MaxBodyBytes + 1);
        return group;
    }

    public static async Task ReceivePostback(
        HttpContext http, PostbackReceiver receiver, IOptions<PostbackOptions> options, ILoggerFactory loggers)
    {
        var limit = options.Value.MaxBodyBytes;
        using var body = await RawBody.ReadAsync(http, limit);
        if (body.Unreadable)
        {
            // Broken framing (a bad chunk size, a length that lies): there is no body to judge or keep.
            await WriteAsync(http, StatusCodes.Status400BadRequest, Fail("The request body could not be read."));
            return;
        }
        PostbackResult result;
        try
        {
            // Not the request's token: once we start storing, finish, even if the gateway hangs up.
            result = await receiver.ReceiveAsync(body.Content, (int)Math.Min(http.Request.ContentLength ?? body.Length, int.MaxValue),
                body.Truncated, http.Connection.RemoteIpAddress, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseFailure.IsOutage(ex) || ex is OperationCanceledException)
        {
            // Only an outage gets here (a refusal of a verified postback is held, of junk is a bug):
            // the store has already started afresh on a broken connection, so the resend finds the pool healthy.
            loggers.CreateLogger(typeof(PostbackApi)).LogWarning(ex, "Postback not stored: the database is unavailable; answering 503");
            http.Response.Headers.RetryAfter = "5";
            await WriteAsync(http, StatusCodes.Status503ServiceUnavailable, Fail("Temporarily unable to store the postback; please resend."));
            return;
        }

        switch (result.Answer)
        {
            case PostbackAnswer.Ok:
                // The receiver logged what came of it (stored, a repeat, or held), with its time: that is this request's line.
                http.MarkLoggedByEndpoint();
                await WriteAsync(http, StatusCodes.Status200OK, Ok);
                break;
            case PostbackAnswer.Unauthenticated:
                await WriteAsync(http, StatusCodes.Status401Unauthorized, Fail($"Postback not verified ({result.Reason})."));
                break;
            case PostbackAnswer.TooLarge:
                await WriteAsync(http, StatusCodes.Status413PayloadTooLarge, Fail("The body is too large for a postback."));
                break;
            default:
                await WriteAsync(http, StatusCodes.Status400BadRequest, Fail($"Not a postback ({result.Reason})."));
                break;
        }
    }

    /// <summary>The request body in a pooled buffer, at most limit bytes kept; Truncated when there was more.</summary>
    private sealed class RawBody : IDisposable
    {
        private byte[] _buffer;
        private readonly int _kept;

        private RawBody(byte[] buffer, int length, int kept, bool truncated, bool unreadable)
        {
            _buffer = buffer;
            Length = length;
            _kept = kept;
            Truncated = truncated;
            Unreadable = unreadable;
        }

        public int Length { get; }

        public bool Truncated { get; }

        /// <summary>The request's framing broke while reading (not a size problem).</summary>
        public bool Unreadable { get; }

        public ReadOnlyMemory<byte> Content => _buffer.AsMemory(0, _kept);

        public static async Task<RawBody> ReadAsync(HttpContext http, int limit)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 16 * 1024));
            var length = 0;
            var tooLarge = false;
            var unreadable = false;
            try
            {
                while (length <= limit)
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var read = await http.Request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit + 1) - length));
                    if (read == 0)
                    {
                        break;
                    }
                    length += read;
                }
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // The server's own limit (just above ours) fired: it is too large either way. What was
                // read is kept as it is (the buffer may be smaller than the limit).
                tooLarge = true;
            }
            catch (IOException) when (!http.RequestAborted.IsCancellationRequested)
            {
                // Kestrel's framing errors (BadHttpRequestException is an IOException, and so is "Bad
                // chunk size data"): the client sent something that is not an HTTP body.
                unreadable = true;
            }
            return new RawBody(buffer, length, Math.Min(length, limit), tooLarge || length > limit, unreadable);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _buffer, []) is { Length: > 0 } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static Task MethodNotAllowed(HttpContext http)
    {
        http.Response.Headers.Allow = HttpMethods.Post;
        return WriteFailAsync(http, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed");
    }

    private static Task WriteFailAsync(HttpContext http, int status, string message) => WriteAsync(http, status, Fail(message));

    private static byte[] Fail(string message) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["status"] = "fail", ["message"] = message });

    private static Task WriteAsync(HttpContext http, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body).AsTask();
    }
}

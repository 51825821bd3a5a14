using System.Text;

namespace Paykassma.Merchant.Api.Tests.Sweep;

public sealed partial class HostileCorpus
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

    private IEnumerable<HostileRequest> OtherRouteRequests()
    {
        var plain = new (string Route, string[] Paths)[]
        {
            (SweepRoutes.DevToken, ["/dev/token", "/dev/token/", "/DEV/TOKEN", "/dev/%74oken", "/dev/token?label=x&ops=true"]),
            (SweepRoutes.Health, ["/health/live", "/health/ready", "/health/", "/health/unknown", "/health/ready/../live", "/health/live?x=%00&x=%FF"]),
            (SweepRoutes.Metrics, ["/metrics", "/metrics/", "/metrics?name%5B%5D=x&format=%00", "/metrics/../metrics"]),
            (SweepRoutes.Swagger, ["/swagger", "/swagger/index.html", "/swagger/index.html?url=http://evil.example/x.json", "/swagger/swagger-initializer.js",
                "/swagger/nope.js", "/swagger/../appsettings.json", "/swagger/%2e%2e/%2e%2e/appsettings.json", "/swagger/..%2f..%2fappsettings.json",
                "/swagger/..%5c..%5cappsettings.json"]),
            (SweepRoutes.OpenApi, ["/openapi/v1.json", "/openapi/v2.json", "/openapi/..%2fv1.json", "/openapi/v1.json?x=%00", "/openapi/%2e%2e.json",
                "/openapi/" + new string('v', 4000) + ".json", "/openapi/v1.yaml", "/openapi/%00.json"]),
            (SweepRoutes.Unknown, ["/", "/api", "/api/", "/api/deposit", "/api/ops", "/api/ops/unknown", "/api/paykassma", "/.env", "/.git/config",
                "/wp-login.php", "/appsettings.json", "/favicon.ico", $"{Open}/proof/extra", "/api/v2/deposits", "/Program.cs",
                "/%2e%2e/%2e%2e/etc/passwd", "/" + new string('x', 7000), "/%F0%9F%92%B0", "/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd"]),
        };
        foreach (var (route, paths) in plain)
        {
            foreach (var path in paths)
            {
                var method = path == paths[0] ? null : Pick(AllMethods);
                // The first path of each route is tried with every method, the others with a seeded one.
                foreach (var m in method is null ? AllMethods : [method])
                {
                    yield return Make(m == "GET" ? SweepCategories.Paths : SweepCategories.Methods, route, $"{m} {Shorten(path.Replace(_targets.OpenDepositId.ToString(), "{id}", StringComparison.Ordinal))}",
                        new RequestBuilder(m, path).Bearer(Pick(new string?[] { null, User, Ops })).Json(m is "GET" or "OPTIONS" or "TRACE" ? "" : """{"label":"sweep","ops":true}"""));
                }
            }
            yield return Make(SweepCategories.Methods, route, $"HEAD {paths[0]}", new RequestBuilder("HEAD", paths[0]), isHead: true);
        }
        yield return Make(SweepCategories.MalformedJson, SweepRoutes.DevToken, "broken JSON", Post("/dev/token").Json("{\"label\":"));
        yield return Make(SweepCategories.HugeBodies, SweepRoutes.DevToken, "2 MB body", Post("/dev/token").Json("{\"label\":\"" + new string('l', 2 * 1024 * 1024) + "\"}"));
        yield return Make(SweepCategories.HugeBodies, SweepRoutes.Health, "2 MB body to readiness", Post("/health/ready").Body(RandomBytes(2 * 1024 * 1024), "application/octet-stream"));
        yield return Make(SweepCategories.HugeBodies, SweepRoutes.Metrics, "2 MB chunked body to metrics", Post("/metrics").Body(RandomBytes(2 * 1024 * 1024), "text/plain").Chunked(32 * 1024));
    }

    private IEnumerable<HostileRequest> HeaderRequests()
    {
        const string list = SweepRoutes.ListDeposits;
        const string category = SweepCategories.Headers;
        RequestBuilder Listing() => Get("/api/deposits").Bearer(User);
        RequestBuilder WithHeaders(RequestBuilder request, int count, int valueLength)
        {
            for (var i = 0; i < count; i++)
            {
                request.Header($"X-Sweep-{i}", new string((char)('a' + i % 26), valueLength));
            }
            return request;
        }

        yield return Make(category, list, "90 extra headers", WithHeaders(Listing(), 90, 20));
        yield return Make(category, list, "150 extra headers", WithHeaders(Listing(), 150, 20), serverMayRefuse: true);
        yield return Make(category, list, "1000 extra headers", WithHeaders(Listing(), 1000, 4), serverMayRefuse: true);
        yield return Make(category, list, "one 20 KB header", Listing().Header("X-Big", new string('b', 20 * 1024)));
        yield return Make(category, list, "one 40 KB header", Listing().Header("X-Big", new string('b', 40 * 1024)), serverMayRefuse: true);
        yield return Make(category, list, "30 KB cookie", Listing().Header("Cookie", string.Join("; ", Enumerable.Range(0, 1000).Select(i => $"c{i}=" + new string('v', 24)))));
        yield return Make(category, list, "headers totalling 33 KB", WithHeaders(Listing(), 33, 1000), serverMayRefuse: true);
        yield return Make(category, list, "1 KB header name", Listing().Header("X-" + new string('n', 1024), "v"));
        yield return Make(category, list, "8 KB Accept-Language", Listing().Header("Accept-Language", string.Join(',', Enumerable.Range(0, 1000).Select(i => $"x{i};q=0.{i % 10}"))));
        foreach (var (name, value) in new[]
                 {
                     ("Accept", "application/xml"), ("Accept", "*/*;q=abc"), ("Accept", "text/html, application/problem+xml;q=1.5"), ("Accept-Encoding", "gzip;q=NaN, br;q=-1"),
                     ("Accept-Charset", "bogus"), ("Range", "bytes=-1-2"), ("Range", "bytes=99999999999999999999-"), ("If-None-Match", "garbage"),
                     ("If-Modified-Since", "not a date"), ("X-Forwarded-For", "1.1.1.1, <script>, ::ffff:999.1.1.1"), ("X-Forwarded-Host", "evil.example"),
                     ("X-Forwarded-Proto", "gopher"), ("X-HTTP-Method-Override", "DELETE"), ("X-Original-URL", "/api/ops/deposits"), ("X-Rewrite-URL", "/api/ops/deposits"),
                     ("Forwarded", "for=\"[::1"), ("Content-Type", "application/json; charset=bogus"), ("Content-Encoding", "gzip"), ("Traceparent", "00-zz-zz-01"),
                     ("Traceparent", "00-" + new string('f', 32) + "-" + new string('f', 16) + "-ff"), ("Tracestate", new string('=', 4000)), ("Baggage", new string(',', 4000)),
                     ("Host", "evil.example"), ("Origin", "null"), ("Cookie", "=;;;=;"), ("Max-Forwards", "-1"), ("TE", "trailers, deflate;q=2"),
                 })
        {
            var request = name == "Host" ? Listing().WithoutHost().Header(name, value) : Listing().Header(name, value);
            yield return Make(category, list, $"{name}: {Shorten(value)}", request);
        }
        yield return Make(category, list, "Upgrade: websocket", Listing().Header("Connection", "Upgrade").Header("Upgrade", "websocket")
            .Header("Sec-WebSocket-Key", "x").Header("Sec-WebSocket-Version", "13"));
        yield return Make(category, list, "Upgrade: h2c", Listing().Header("Connection", "Upgrade, HTTP2-Settings").Header("Upgrade", "h2c")
            .Header("HTTP2-Settings", "AAMAAABkAAQAAP__"));
        yield return Make(category, list, "empty chunked body on GET", Listing().Body([], null).Chunked());
        yield return Make(category, list, "Expect: 100-continue without a body", Listing().Header("Expect", "100-continue"));
        yield return Make(category, SweepRoutes.CreateDeposit, "Expect: 100-continue, wrong-typed body", Post("/api/deposits").Bearer(User).Header("Expect", "100-continue").Json("""{"amount":"300"}"""));
        yield return Make(category, SweepRoutes.SubmitProof, "Expect: 100-continue, closed deposit", Post(Closed + "/proof").Bearer(User).Header("Expect", "100-continue")
            .Body(MultipartBody.Build(MultipartBody.ValidParts()), MultipartBody.ContentType));
        yield return Make(category, SweepRoutes.CreateDeposit, "Expect: garbage, wrong-typed body", Post("/api/deposits").Bearer(User).Header("Expect", "garbage").Json("""{"amount":"300"}"""), serverMayRefuse: true);

        // The key is checked before the gateway is called: a valid body with a malformed key stores nothing.
        foreach (var key in new[] { "", "has space", new string('k', 256), "tab\tinside", "\u007f", "\u00e9t\u00e9", "\u00c3\u0028" })
        {
            yield return Make(category, SweepRoutes.CreateDeposit, $"Idempotency-Key '{Shorten(key)}' ({key.Length} chars)",
                Post("/api/deposits").Bearer(User).Header("Idempotency-Key", key).Json("""{"amount":300}"""), serverMayRefuse: key.Any(c => c > 0x7E));
        }
        yield return Make(category, SweepRoutes.CreateDeposit, "two Idempotency-Keys, wrong-typed body",
            Post("/api/deposits").Bearer(User).Header("Idempotency-Key", "sweep-a").Header("Idempotency-Key", "sweep-b").Json("""{"amount":"300"}"""));

        // Header syntax the server itself refuses; the route does not matter.
        var targets = new[] { ("/api/deposits", SweepRoutes.ListDeposits), ("/openapi/v1.json", SweepRoutes.OpenApi), ("/api/ops/deposits", SweepRoutes.OpsDeposits), ("/health/ready", SweepRoutes.Health) };
        foreach (var (name, line) in new[]
                 {
                     ("header name with a space", "X Bad: 1"), ("header name with @", "X@Bad: 1"), ("header name in parentheses", "(X): 1"),
                     ("empty header name", ": value"), ("NUL in a header value", "X-Nul: a\0b"), ("NUL in a header name", "X-N\0ul: 1"),
                     ("raw UTF-8 header value", "X-Name: " + Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("ཚེ་རིང་"))),
                     ("invalid UTF-8 header value", "X-Name: \u00c3\u0028\u00ff"), ("overlong UTF-8 header value", "X-Name: \u00c0\u00af"),
                     ("header without a colon", "NoColonHere"), ("space before the colon", "X-Space : 1"), ("obs-fold continuation", "X-Fold: a\r\n b"),
                     ("bare CR in a value", "X-CR: a\rb"), ("DEL in a value", "X-Del: a\u007fb"), ("bare LF line end", "X-LF: 1\nX-Other: 2"),
                 })
        {
            var (target, route) = Pick(targets);
            var bytes = Latin1($"GET {target} HTTP/1.1\r\nHost: localhost\r\n{line}\r\nConnection: close\r\n\r\n");
            yield return Raw(category, route, name, bytes);
        }
    }

    private IEnumerable<HostileRequest> ProtocolRequests()
    {
        const string c = SweepCategories.Protocol;
        const string deposits = SweepRoutes.CreateDeposit;
        var bad = """{"amount":"300"}"""; // wrong-typed: even if the framing were accepted, nothing could be stored
        var auth = "Authorization: Bearer " + User + "\r\n";
        string Framed(string framing, string body) =>
            $"POST /api/deposits HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Type: application/json\r\n{framing}Connection: close\r\n\r\n{body}";
        string Chunk(string body) => $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n";

        yield return Raw(c, deposits, "Content-Length: -1", Latin1(Framed("Content-Length: -1\r\n", bad)));
        yield return Raw(c, deposits, "Content-Length: abc", Latin1(Framed("Content-Length: abc\r\n", bad)));
        yield return Raw(c, deposits, "Content-Length: empty", Latin1(Framed("Content-Length: \r\n", bad)));
        yield return Raw(c, deposits, "Content-Length: +16", Latin1(Framed("Content-Length: +16\r\n", bad)));
        yield return Raw(c, deposits, "Content-Length: 0x10", Latin1(Framed("Content-Length: 0x10\r\n", bad)));
        yield return Raw(c, deposits, "Content-Length: 1 6", Latin1(Framed("Content-Length: 1 6\r\n", bad)));
        yield return Raw(c, deposits, "Content-Length: 20 digits", Latin1(Framed("Content-Length: 99999999999999999999\r\n", bad)));
        yield return Raw(c, deposits, "Content-Length: 16, 16", Latin1(Framed("Content-Length: 16, 16\r\n", bad)));
        yield return Raw(c, deposits, "two equal Content-Lengths", Latin1(Framed("Content-Length: 16\r\nContent-Length: 16\r\n", bad)));
        yield return Raw(c, deposits, "two different Content-Lengths", Latin1(Framed("Content-Length: 16\r\nContent-Length: 5\r\n", bad)));
        yield return Raw(c, deposits, "Content-Length with leading zeros", Latin1(Framed("Content-Length: 00016\r\n", bad)), serverMayRefuse: false);
        yield return Raw(c, deposits, "Content-Length shorter than the body", Latin1(Framed("Content-Length: 10\r\n", bad)), serverMayRefuse: false);
        yield return Raw(c, deposits, "Content-Length longer than the body", Latin1(Framed("Content-Length: 500\r\n", bad)), halfClose: true);
        yield return Raw(c, deposits, "Content-Length and chunked", Latin1(Framed("Content-Length: 16\r\nTransfer-Encoding: chunked\r\n", Chunk(bad))));
        yield return Raw(c, deposits, "chunked and Content-Length 0 (smuggling)", Latin1(Framed("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
            Chunk(bad) + "GET /api/ops/deposits HTTP/1.1\r\nHost: localhost\r\n\r\n")));
        yield return Raw(c, deposits, "Transfer-Encoding: gzip", Latin1(Framed("Transfer-Encoding: gzip\r\n", bad)));
        yield return Raw(c, deposits, "Transfer-Encoding: chunked, gzip", Latin1(Framed("Transfer-Encoding: chunked, gzip\r\n", Chunk(bad))));
        yield return Raw(c, deposits, "Transfer-Encoding: identity", Latin1(Framed("Transfer-Encoding: identity\r\n", bad)));
        yield return Raw(c, deposits, "Transfer-Encoding: xchunked", Latin1(Framed("Transfer-Encoding: xchunked\r\n", Chunk(bad))));
        yield return Raw(c, deposits, "Transfer-Encoding: chunked twice", Latin1(Framed("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", Chunk(bad))));
        yield return Raw(c, deposits, "Transfer-Encoding with a tab", Latin1(Framed("Transfer-Encoding:\tchunked\r\n", Chunk(bad))));
        yield return Raw(c, deposits, "Transfer-Encoding: CHUNKED", Latin1(Framed("Transfer-Encoding: CHUNKED\r\n", Chunk(bad))));
        yield return Raw(c, deposits, "chunk size not hex", Latin1(Framed("Transfer-Encoding: chunked\r\n", "zz\r\n" + bad + "\r\n0\r\n\r\n")));
        yield return Raw(c, deposits, "chunk size negative", Latin1(Framed("Transfer-Encoding: chunked\r\n", "-10\r\n" + bad + "\r\n0\r\n\r\n")));
        yield return Raw(c, deposits, "chunk size overflowing", Latin1(Framed("Transfer-Encoding: chunked\r\n", "ffffffffffffffffffff\r\n" + bad + "\r\n0\r\n\r\n")));
        yield return Raw(c, deposits, "chunk size larger than the data", Latin1(Framed("Transfer-Encoding: chunked\r\n", "100\r\n" + bad + "\r\n0\r\n\r\n")), halfClose: true);
        yield return Raw(c, deposits, "chunk without CRLF after the data", Latin1(Framed("Transfer-Encoding: chunked\r\n", $"{bad.Length:x}\r\n{bad}XX0\r\n\r\n")));
        yield return Raw(c, deposits, "no last chunk", Latin1(Framed("Transfer-Encoding: chunked\r\n", $"{bad.Length:x}\r\n{bad}\r\n")), halfClose: true);
        yield return Raw(c, deposits, "8 KB chunk extension", Latin1(Framed("Transfer-Encoding: chunked\r\n", $"{bad.Length:x};ext=" + new string('e', 8192) + $"\r\n{bad}\r\n0\r\n\r\n")));
        yield return Raw(c, deposits, "trailer with Content-Length", Latin1(Framed("Transfer-Encoding: chunked\r\n", $"{bad.Length:x}\r\n{bad}\r\n0\r\nContent-Length: 5\r\n\r\n")), serverMayRefuse: true);
        yield return Raw(c, deposits, "40 KB of trailers", Latin1(Framed("Transfer-Encoding: chunked\r\n", $"{bad.Length:x}\r\n{bad}\r\n0\r\n" +
            string.Concat(Enumerable.Range(0, 40).Select(i => $"X-T{i}: " + new string('t', 1000) + "\r\n")) + "\r\n")));
        yield return Raw(c, deposits, "100k one-byte chunks (wrong-typed body)", Concat(Latin1(Framed("Transfer-Encoding: chunked\r\n", "")),
            Latin1(string.Concat(Enumerable.Repeat("1\r\n \r\n", 100_000)) + Chunk(bad))), serverMayRefuse: false);

        // The postback reads its body raw, past model binding: framing errors reach it differently.
        var forged = Encoding.UTF8.GetString(Forged());
        string PostbackFramed(string framing, string body) =>
            $"POST {PostbackPath} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{framing}Connection: close\r\n\r\n{body}";
        foreach (var (name, framing, body) in new[]
                 {
                     ("Content-Length and chunked", $"Content-Length: {forged.Length}\r\nTransfer-Encoding: chunked\r\n", Chunk(forged)),
                     ("two different Content-Lengths", $"Content-Length: {forged.Length}\r\nContent-Length: 5\r\n", forged),
                     ("Content-Length longer than the body", $"Content-Length: {forged.Length + 100}\r\n", forged),
                     ("chunk size not hex", "Transfer-Encoding: chunked\r\n", "zz\r\n" + forged + "\r\n0\r\n\r\n"),
                     ("no last chunk", "Transfer-Encoding: chunked\r\n", $"{forged.Length:x}\r\n{forged}\r\n"),
                     ("chunk size overflowing", "Transfer-Encoding: chunked\r\n", "ffffffffffffffffffff\r\n" + forged + "\r\n0\r\n\r\n"),
                 })
        {
            yield return Raw(c, SweepRoutes.Postback, name, Latin1(PostbackFramed(framing, body)), ErrorShape.GatewayFail,
                halfClose: name is "Content-Length longer than the body" or "no last chunk");
        }

        var routes = new[] { ("/api/deposits", SweepRoutes.ListDeposits), ("/health/live", SweepRoutes.Health), ("/openapi/v1.json", SweepRoutes.OpenApi), ("/metrics", SweepRoutes.Metrics) };
        foreach (var (name, requestLine, extra) in new[]
                 {
                     ("no Host header", "GET {0} HTTP/1.1", ""), ("two Host headers", "GET {0} HTTP/1.1", "Host: other\r\n"),
                     ("HTTP/1.2", "GET {0} HTTP/1.2", ""), ("HTTP/2.0 in a request line", "GET {0} HTTP/2.0", ""), ("HTTP/0.9 style", "GET {0}", ""),
                     ("lower-case version", "GET {0} http/1.1", ""), ("HTTP/1.10", "GET {0} HTTP/1.10", ""), ("HTTP/9.9", "GET {0} HTTP/9.9", ""),
                     ("double spaces", "GET  {0}  HTTP/1.1", ""), ("tab separators", "GET\t{0}\tHTTP/1.1", ""),
                     ("method with a parenthesis", "G(T {0} HTTP/1.1", ""), ("empty method", " {0} HTTP/1.1", ""), ("CONNECT", "CONNECT localhost:80 HTTP/1.1", ""),
                     ("target without a slash", "GET api/deposits HTTP/1.1", ""), ("absolute form, other host", "GET http://evil.example{0} HTTP/1.1", ""),
                     ("absolute form, https scheme", "GET https://localhost{0} HTTP/1.1", ""), ("asterisk form with GET", "GET * HTTP/1.1", ""),
                     ("fragment in the target", "GET {0}#frag HTTP/1.1", ""), ("raw space in the target", "GET {0} x HTTP/1.1", ""),
                     ("raw NUL in the target", "GET {0}\0 HTTP/1.1", ""), ("raw UTF-8 in the target", "GET {0}/\u00e0\u00bd\u0080 HTTP/1.1", ""),
                     ("raw invalid UTF-8 in the target", "GET {0}?q=\u00c3\u0028 HTTP/1.1", ""), ("12 KB target", "GET {0}?" + new string('q', 12 * 1024) + " HTTP/1.1", ""),
                     ("Host with a space", "GET {0} HTTP/1.1", "Host: a b\r\n"), ("Host with a bad port", "GET {0} HTTP/1.1", "Host: localhost:99999\r\n"),
                     ("Host unterminated IPv6", "GET {0} HTTP/1.1", "Host: [::1\r\n"),
                 })
        {
            var (target, route) = Pick(routes);
            var host = name == "no Host header" || extra.StartsWith("Host: a", StringComparison.Ordinal) || extra.StartsWith("Host: l", StringComparison.Ordinal)
                || extra.StartsWith("Host: [", StringComparison.Ordinal) ? "" : "Host: localhost\r\n";
            var bytes = Latin1(requestLine.Replace("{0}", target, StringComparison.Ordinal) + $"\r\n{host}{extra}Connection: close\r\n\r\n");
            yield return Raw(c, route, name, bytes);
        }
        yield return Raw(c, SweepRoutes.ListDeposits, "absolute form, same host", Latin1($"GET http://localhost/api/deposits HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"),
            serverMayRefuse: false);
        yield return Raw(c, SweepRoutes.ListDeposits, "HTTP/1.0 without Host", Latin1($"GET /api/deposits HTTP/1.0\r\n{auth}\r\n"), serverMayRefuse: false);
        yield return Raw(c, SweepRoutes.ListDeposits, "leading empty lines", Latin1($"\r\n\r\nGET /api/deposits HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"));
        yield return Raw(c, SweepRoutes.ListDeposits, "bare LF line endings", Latin1($"GET /api/deposits HTTP/1.1\nHost: localhost\n{auth.Replace("\r\n", "\n", StringComparison.Ordinal)}Connection: close\n\n"));
        yield return Raw(c, SweepRoutes.ListDeposits, "pipelined: two requests, keep-alive", Latin1(
            $"GET /api/deposits HTTP/1.1\r\nHost: localhost\r\n{auth}\r\nGET /api/ops/deposits HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"),
            serverMayRefuse: false);
        yield return Raw(c, SweepRoutes.ListDeposits, "head cut short", Latin1("GET /api/deposits HTTP/1.1\r\nHost: localh"), halfClose: true);
        yield return Raw(c, SweepRoutes.ListDeposits, "request line only", Latin1("GET /api/deposits HTTP/1.1\r\n"), halfClose: true);
        yield return Raw(c, SweepRoutes.Unknown, "random bytes", RandomBytes(2048));
        yield return Raw(c, SweepRoutes.Unknown, "1000 NUL bytes", new byte[1000]);
        yield return Raw(c, SweepRoutes.Unknown, "TLS ClientHello", [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03, .. RandomBytes(160)]);
        yield return Raw(c, SweepRoutes.Unknown, "HTTP/2 preface", Latin1("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0"));
        yield return Raw(c, SweepRoutes.Unknown, "SSH banner", Latin1("SSH-2.0-OpenSSH_9.6\r\n"));
        yield return Raw(c, SweepRoutes.Unknown, "only CRLFs", Latin1(string.Concat(Enumerable.Repeat("\r\n", 5000))), halfClose: true);

        // Request heads with a few random edits: whatever the server makes of them, never a 5xx. An extra
        // empty line ends even a head whose own ending was edited away, so the server never waits for more.
        var head = Latin1($"GET /api/deposits?page=1&pageSize=20 HTTP/1.1\r\nHost: localhost\r\n{auth}Accept: application/json\r\nConnection: close\r\n\r\n");
        for (var i = 0; i < 30; i++)
        {
            yield return Raw(SweepCategories.Fuzz, SweepRoutes.ListDeposits, $"mutated request head #{i}", [.. Mutate(head), .. "\r\n\r\n"u8]);
        }
    }
}

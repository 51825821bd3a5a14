using System.Text;

namespace Paykassma.Merchant.Api.Tests.Sweep;

public sealed partial class HostileCorpus
{
    /// <summary>JSON bodies that no endpoint may accept, by category. None is empty, null or {} (those create a deposit).</summary>
    internal static IReadOnlyList<(string Category, string Name, byte[] Body)> MalformedJsonBodies()
    {
        var bodies = new List<(string, string, byte[])>();
        void Add(string category, string name, string json) => bodies.Add((category, name, Encoding.UTF8.GetBytes(json)));
        void AddBytes(string category, string name, byte[] body) => bodies.Add((category, name, body));
        const string M = SweepCategories.MalformedJson;
        const string T = SweepCategories.WrongTypes;
        const string E = SweepCategories.BadEncoding;

        foreach (var truncated in new[] { "{", "{\"amount\"", "{\"amount\":", "{\"amount\":3", "{\"amount\":300", "{\"amo", "[", "\"abc", "tru", "{\"amount\":300,\"" })
        {
            Add(M, $"truncated {truncated}", truncated);
        }
        Add(M, "trailing letter", """{"amount":300}x""");
        Add(M, "two objects", """{"amount":300}{"amount":1}""");
        Add(M, "trailing comma after object", """{"amount":300},""");
        Add(M, "stray closing bracket", """{"amount":300}]""");
        Add(M, "trailing comment", """{"amount":300} // c""");
        Add(M, "leading block comment", """/*c*/{"amount":300}""");
        Add(M, "inner block comment", """{"amount":300/*c*/}""");
        Add(M, "line comment first", "// c\n{\"amount\":300}");
        Add(M, "unterminated comment", """{"amount":300}/*""");
        Add(M, "hash comment", "# c\n{\"amount\":300}");
        Add(M, "trailing comma in object", """{"amount":300,}""");
        Add(M, "single quotes", "{'amount':300}");
        Add(M, "unquoted key", "{amount:300}");
        Add(M, "missing colon", """{"amount" 300}""");
        Add(M, "double colon", """{"amount"::300}""");
        Add(M, "lone comma", "{,}");
        Add(M, "semicolon", """{"amount":300;}""");
        Add(M, "whitespace only", "   \t\r\n ");
        Add(M, "NaN", """{"amount":NaN}""");
        Add(M, "Infinity", """{"amount":Infinity}""");
        Add(M, "-Infinity", """{"amount":-Infinity}""");
        Add(M, "lowercase nan", """{"amount":nan}""");
        Add(M, "hex number", """{"amount":0x12C}""");
        Add(M, "plus sign", """{"amount":+300}""");
        Add(M, "leading zero", """{"amount":0300}""");
        Add(M, "dangling exponent", """{"amount":300e}""");
        Add(M, "10k-deep arrays", new string('[', 10_000) + new string(']', 10_000));
        Add(M, "10k-deep objects", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000));
        Add(M, "10k-deep amount", "{\"amount\":" + new string('[', 10_000) + new string(']', 10_000) + "}");
        Add(M, "10k unclosed arrays", new string('[', 10_000));
        Add(M, "65-deep amount", "{\"amount\":" + new string('[', 64) + "1" + new string(']', 64) + "}");
        Add(M, "duplicate amount", """{"amount":300,"amount":300}""");
        Add(M, "duplicate amount in other case", """{"amount":300,"Amount":1}""");
        Add(M, "duplicate amount in upper case", """{"amount":1,"AMOUNT":1}""");
        AddBytes(M, "UTF-8 BOM then trailing garbage", [0xEF, 0xBB, 0xBF, .. "{\"amount\":300}x"u8]);
        AddBytes(M, "two UTF-8 BOMs", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. "{\"amount\":300}"u8]);
        AddBytes(M, "UTF-16LE BOM and body", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"amount\":300}")]);
        AddBytes(M, "UTF-16BE BOM and body", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("{\"amount\":300}")]);
        AddBytes(M, "UTF-32LE BOM and body", [0xFF, 0xFE, 0x00, 0x00, .. Encoding.UTF32.GetBytes("{\"amount\":300}")]);
        AddBytes(M, "BOM only", [0xEF, 0xBB, 0xBF]);
        AddBytes(M, "UTF-16 without BOM", Encoding.Unicode.GetBytes("{\"amount\":300}"));

        Add(T, "root array", "[]");
        Add(T, "root array of amount", "[300]");
        Add(T, "root string", "\"300\"");
        Add(T, "root number", "300");
        Add(T, "root true", "true");
        Add(T, "root false", "false");
        Add(T, "root empty string", "\"\"");
        Add(T, "root array of object", """[{"amount":300}]""");
        Add(T, "amount a string", """{"amount":"300"}""");
        Add(T, "amount NaN string", """{"amount":"NaN"}""");
        Add(T, "amount true", """{"amount":true}""");
        Add(T, "amount a list", """{"amount":[300]}""");
        Add(T, "amount an object", """{"amount":{"value":300}}""");
        Add(T, "amount empty string", """{"amount":""}""");
        Add(T, "amount fullwidth digits", """{"amount":"３００"}""");
        Add(T, "amount fractional", """{"amount":300.5}""");
        Add(T, "amount 300.0", """{"amount":300.0}""");
        Add(T, "amount 3e2", """{"amount":3e2}""");
        Add(T, "amount 0.3e3", """{"amount":0.3e3}""");
        Add(T, "amount zero", """{"amount":0}""");
        Add(T, "amount minus zero", """{"amount":-0}""");
        Add(T, "amount negative", """{"amount":-300}""");
        Add(T, "amount above the maximum", """{"amount":1000001}""");
        Add(T, "amount int max + 1", """{"amount":2147483648}""");
        Add(T, "amount int min - 1", """{"amount":-2147483649}""");
        Add(T, "amount 1e400", """{"amount":1e400}""");
        Add(T, "amount -1e400", """{"amount":-1e400}""");
        Add(T, "amount double max", """{"amount":1.7976931348623157e308}""");
        Add(T, "amount of 30 digits", """{"amount":999999999999999999999999999999}""");
        Add(T, "amount of 5000 digits", "{\"amount\":1" + new string('0', 5000) + "}");
        Add(T, "unknown member label", """{"label":"someone-else"}""");
        Add(T, "unknown member currency", """{"amount":300,"currency":"USD"}""");
        Add(T, "unknown member walletType", """{"amount":300,"walletType":"card"}""");
        Add(T, "type discriminator", """{"$type":"System.IO.FileInfo, System.IO.FileSystem","amount":300}""");
        Add(T, "__proto__", """{"__proto__":{"amount":1}}""");
        Add(T, "empty member name", """{"amount":300,"":1}""");

        AddBytes(E, "invalid UTF-8 key", [.. "{\"amount\":300,\""u8, 0xC3, 0x28, .. "\":1}"u8]);
        AddBytes(E, "0xFF key", [.. "{\""u8, 0xFF, .. "\":1}"u8]);
        AddBytes(E, "overlong slash in a string", [.. "{\"amount\":\""u8, 0xC0, 0xAF, .. "\"}"u8]);
        AddBytes(E, "overlong quotes around the key", [(byte)'{', 0xC0, 0xA2, .. "amount"u8, 0xC0, 0xA2, .. ":300}"u8]);
        AddBytes(E, "overlong digits", [.. "{\"amount\":"u8, 0xC0, 0xB3, 0xC0, 0xB0, 0xC0, 0xB0, (byte)'}']);
        AddBytes(E, "4-byte overlong digit", [.. "{\"amount\":"u8, 0xF0, 0x80, 0x80, 0xB3, (byte)'}']);
        AddBytes(E, "UTF-8-encoded surrogate", [.. "{\"amount\":300,\"x\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8]);
        AddBytes(E, "code point above U+10FFFF", [.. "{\"amount\":300,\"x\":\""u8, 0xF4, 0x90, 0x80, 0x80, .. "\"}"u8]);
        AddBytes(E, "truncated multibyte sequence", [.. "{\"amount\":300,\"x\":\""u8, 0xE2, 0x82, .. "\"}"u8]);
        AddBytes(E, "Latin-1 body", Encoding.Latin1.GetBytes("{\"amount\":300,\"x\":\"café\"}"));
        AddBytes(E, "NUL after the object", [.. "{\"amount\":300}"u8, 0]);
        AddBytes(E, "NUL before the object", [0, .. "{\"amount\":300}"u8]);
        AddBytes(E, "raw NUL in the key", [.. "{\"amount"u8, 0, .. "\":300}"u8]);
        AddBytes(E, "raw NUL in the number", [.. "{\"amount\":3"u8, 0, .. "00}"u8]);
        Add(E, "escaped NUL as amount", """{"amount":"\u0000"}""");
        Add(E, "escaped NUL in the key", """{"a\u0000mount":300}""");
        AddBytes(E, "1000 NULs", new byte[1000]);
        Add(E, "lone high surrogate key", """{"\ud800":1}""");
        Add(E, "lone low surrogate value", """{"amount":300,"x":"\udfff"}""");
        Add(E, "invalid escape", """{"amount":300,"x":"\q"}""");
        Add(E, "short unicode escape", """{"amount":300,"x":"\u12"}""");
        Add(E, "raw control character in a string", "{\"amount\":300,\"x\":\"a\u0001b\"}");
        return bodies;
    }

    private IEnumerable<HostileRequest> CreateDepositRequests()
    {
        const string route = SweepRoutes.CreateDeposit;
        foreach (var (category, name, body) in MalformedJsonBodies())
        {
            yield return Make(category, route, name, Post("/api/deposits").Bearer(User).Body(body, "application/json"));
        }
        // The same bodies with an Idempotency-Key: the key must not be claimed for a request that fails to bind.
        foreach (var (category, name, body) in MalformedJsonBodies().Where((_, i) => i % 9 == 0))
        {
            yield return Make(category, route, name + ", with an Idempotency-Key",
                Post("/api/deposits").Bearer(User).Header("Idempotency-Key", $"sweep-key-{_random.Next():x8}").Body(body, "application/json"));
        }
        for (var i = 0; i < 25; i++)
        {
            // The unknown member keeps the body invalid under a few random edits.
            var body = Mutate(Encoding.UTF8.GetBytes("""{"amount":300,"zz":[1,"two",{"three":null}]}"""));
            yield return Make(SweepCategories.Fuzz, route, $"mutated JSON #{i}", Post("/api/deposits").Bearer(User).Body(body, "application/json"));
        }

        // A valid body under a wrong or broken content type: refused (415) before binding, never read as
        // JSON. The malformed Idempotency-Key makes sure that a lenient parse still stores nothing (400).
        var valid = """{"amount":300}""";
        RequestBuilder Typed(string? contentType, string body) =>
            Post("/api/deposits").Bearer(User).Header("Idempotency-Key", "not a valid key").Body(Utf8(body), contentType);
        foreach (var contentType in new[]
                 {
                     "text/plain", "application/xml", "application/jsonx", "json", "*/*", "application/*", "multipart/form-data; boundary=x",
                     "application/json; charset=\"utf-8", "application/json;;;;=", "application/octet-stream", "application/x-json-stream",
                 })
        {
            yield return Make(SweepCategories.ContentTypes, route, $"content type {contentType}", Typed(contentType, valid));
        }
        foreach (var charset in new[] { "bogus", "utf-7", "ibm037", "utf-16", "utf-32", "", "\"\"", "utf-8; charset=utf-16" })
        {
            yield return Make(SweepCategories.ContentTypes, route, $"charset={charset}", Typed("application/json; charset=" + charset, valid));
        }
        yield return Make(SweepCategories.ContentTypes, route, "form body", Typed("application/x-www-form-urlencoded", "amount=300"));
        yield return Make(SweepCategories.ContentTypes, route, "XML body", Typed("application/xml", "<amount>300</amount>"));
        yield return Make(SweepCategories.ContentTypes, route, "no content type", Typed(null, valid));
        yield return Make(SweepCategories.ContentTypes, route, "empty content type", Typed("", valid));
        yield return Make(SweepCategories.ContentTypes, route, "JSON type with an 8 KB parameter", Typed("application/json; x=" + new string('p', 8 * 1024), valid));

        yield return Make(SweepCategories.HugeBodies, route, "2 MB with Content-Length",
            Post("/api/deposits").Bearer(User).Json("{\"amount\":300,\"pad\":\"" + new string('a', 2 * 1024 * 1024) + "\"}"));
        yield return Make(SweepCategories.HugeBodies, route, "2 MB chunked",
            Post("/api/deposits").Bearer(User).Json("{\"amount\":300,\"pad\":\"" + new string('a', 2 * 1024 * 1024) + "\"}").Chunked(64 * 1024));
        yield return Make(SweepCategories.HugeBodies, route, "1 MB of whitespace before a valid body",
            Post("/api/deposits").Bearer(User).Json(new string(' ', 1024 * 1024) + valid));
        yield return Make(SweepCategories.HugeBodies, route, "900 KB string in an unknown member",
            Post("/api/deposits").Bearer(User).Json("{\"amount\":300,\"pad\":\"" + new string('b', 900 * 1024) + "\"}"));
        yield return Make(SweepCategories.HugeBodies, route, "50k-element array",
            Post("/api/deposits").Bearer(User).Json("{\"amount\":[" + string.Join(',', Enumerable.Repeat("1", 50_000)) + "]}"));
        // Content-Length alone says it is too large: the answer (413) must come without waiting for the rest.
        yield return Make(SweepCategories.HugeBodies, route, "20 MB declared, 4 KB sent",
            Post("/api/deposits").Bearer(User).NoContentLength().Header("Content-Length", "20971520").Header("Content-Type", "application/json")
                .Body(RandomBytes(4096), null));

        foreach (var method in new[] { "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", "get", "post" })
        {
            // Methods match case-insensitively, so "post" reaches the endpoint: the key keeps it from storing.
            yield return Make(SweepCategories.Methods, route, $"{method} /api/deposits",
                new RequestBuilder(method, "/api/deposits").Bearer(User).Header("Idempotency-Key", "not a valid key").Json(valid));
        }
    }

    private IEnumerable<HostileRequest> ReadDepositRequests()
    {
        foreach (var query in DepositListQueries())
        {
            yield return Make(SweepCategories.Queries, SweepRoutes.ListDeposits, $"?{query}", Get("/api/deposits?" + query).Bearer(User));
        }
        yield return Make(SweepCategories.HugeBodies, SweepRoutes.ListDeposits, "GET with a 2 MB body",
            Get("/api/deposits").Bearer(User).Body(RandomBytes(2 * 1024 * 1024), "application/octet-stream"));
        yield return Make(SweepCategories.MalformedJson, SweepRoutes.ListDeposits, "GET with a broken JSON body",
            Get("/api/deposits").Bearer(User).Json("{\"page\":"));

        foreach (var id in NonGuidIds())
        {
            yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, $"id {id}", Get("/api/deposits/" + id).Bearer(User));
        }
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "someone else's deposit", Get(Open).Bearer(_tokens.Stranger));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "id in braces", Get($"/api/deposits/%7B{_targets.OpenDepositId}%7D").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "id upper case", Get($"/api/deposits/{_targets.OpenDepositId.ToString().ToUpperInvariant()}").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "id without dashes", Get($"/api/deposits/{_targets.OpenDepositId:N}").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "encoded slash before the id", Get($"/api/deposits%2F{_targets.OpenDepositId}").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "dot segments", Get($"/api/ops/../deposits/./{_targets.OpenDepositId}").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "encoded dot segments", Get($"/api/ops/%2e%2e/deposits/%2E/{_targets.OpenDepositId}").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "double slashes", Get($"//api//deposits//{_targets.OpenDepositId}").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "backslashes", Get($"/api\\deposits\\{_targets.OpenDepositId}").Bearer(User), serverMayRefuse: true);
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "path parameter", Get($"{Open};jsessionid=1").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "trailing slash", Get(Open + "/").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "encoded NUL after the id", Get(Open + "%00").Bearer(User), serverMayRefuse: true);
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "overlong UTF-8 slash", Get($"/api/deposits%C0%AF{_targets.OpenDepositId}").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "7 KB path", Get(Open + "/" + new string('a', 7 * 1024)).Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "2000 segments", Get(Open + string.Concat(Enumerable.Repeat("/a", 2000))).Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetDeposit, "12 KB path", Get(Open + "/" + new string('a', 12 * 1024)).Bearer(User), serverMayRefuse: true);
        foreach (var method in new[] { "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE" })
        {
            yield return Make(SweepCategories.Methods, SweepRoutes.GetDeposit, $"{method} a deposit", new RequestBuilder(method, Open).Bearer(User).Json("{}"));
        }
        yield return Make(SweepCategories.Methods, SweepRoutes.GetDeposit, "HEAD a deposit", new RequestBuilder("HEAD", Open).Bearer(User), isHead: true);
        yield return Make(SweepCategories.Methods, SweepRoutes.ListDeposits, "HEAD the list", new RequestBuilder("HEAD", "/api/deposits").Bearer(User), isHead: true);
    }

    internal static IEnumerable<string> NonGuidIds() =>
    [
        "123", "-1", "0", "null", "undefined", "true", "%27%20OR%201%3D1--", "1;DROP%20TABLE%20deposits", "%00", "..", ".", "%2e%2e",
        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-fffffffffffg", "00000000-0000-0000-0000-0000000000000",
        "%7B%7D", "%F0%9F%92%B0", "%C0%AF", "%FF%FE", new string('9', 4000), "0x10", "1e10", "NaN", "%20",
    ];

    private static IEnumerable<string> DepositListQueries() =>
    [
        "page=0", "page=-1", "page=2147483647", "page=2147483648", "page=99999999999999999999", "page=abc", "page=1.5", "page=1e3",
        "page=", "page", "page=1&page=2", "page=%00", "page=%EF%BC%91", "page=+1", "page=0x1", "page=%201",
        "pageSize=0", "pageSize=-5", "pageSize=101", "pageSize=1000000", "pageSize=2147483647", "pageSize=-2147483648",
        "page=2147483647&pageSize=100", "page=21474837&pageSize=100", "page=1073741824&pageSize=2",
        "pageSize=100&pageSize=1", "page=1%27%20OR%201%3D1--", "label=someone-else", "sort=id;DROP%20TABLE%20deposits",
        string.Join('&', Enumerable.Range(0, 500).Select(i => "page=" + i)), "x=" + new string('q', 6000), "%zz=1", "page=%", "=&=&&=",
    ];
}

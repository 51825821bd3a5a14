using System.Text;

namespace Paykassma.Merchant.Api.Tests.Sweep;

public sealed partial class HostileCorpus
{
    private IEnumerable<HostileRequest> ProofRequests()
    {
        const string route = SweepRoutes.SubmitProof;
        var missing = $"/api/deposits/{new Guid(RandomBytes(16))}";
        RequestBuilder Upload(string deposit, byte[] body, string? contentType = MultipartBody.ContentType) =>
            Post(deposit + "/proof").Bearer(User).Body(body, contentType);

        // Structurally broken forms go to the closed deposit, where even a form the parser accepts is
        // refused (409) after full validation; the ones that cannot be valid go to the open deposit too.
        foreach (var (name, contentType, body, certainlyInvalid) in BrokenForms())
        {
            yield return Make(SweepCategories.Multipart, route, name + " (closed deposit)", Upload(Closed, body, contentType));
            if (certainlyInvalid)
            {
                yield return Make(SweepCategories.Multipart, route, name + " (open deposit)", Upload(Open, body, contentType));
            }
        }

        foreach (var (name, transactionNumber, amount) in HostileFieldValues())
        {
            var parts = new[]
            {
                Part.Bytes("transactionNumber", transactionNumber), Part.Bytes("amount", amount), Part.File("screenshot", "payment.png"),
            };
            yield return Make(SweepCategories.BadEncoding, route, name, Upload(Open, MultipartBody.Build(parts)));
        }

        foreach (var (name, fileNameHeader) in HostileFileNames())
        {
            var parts = MultipartBody.ValidParts();
            parts[2] = new Part($"Content-Disposition: form-data; name=\"screenshot\"; {fileNameHeader}\r\nContent-Type: image/png", MultipartBody.Png);
            yield return Make(SweepCategories.FileNames, route, name, Upload(Closed, MultipartBody.Build(parts)));
        }

        var validForm = MultipartBody.Build(MultipartBody.ValidParts());
        for (var i = 0; i < 40; i++)
        {
            // Any outcome of a mutated form at the closed deposit is a refusal: 400 if broken, 409 if still valid.
            yield return Make(SweepCategories.Fuzz, route, $"mutated form #{i}", Upload(Closed, Mutate(validForm)));
        }

        yield return Make(SweepCategories.Paths, route, "unknown deposit", Upload(missing, validForm));
        yield return Make(SweepCategories.Paths, route, "someone else's deposit", Post(Open + "/proof").Bearer(_tokens.Stranger).Body(validForm, MultipartBody.ContentType));
        foreach (var id in NonGuidIds().Take(12))
        {
            yield return Make(SweepCategories.Paths, route, $"deposit id {id}", Upload("/api/deposits/" + id, validForm));
        }
        yield return Make(SweepCategories.Paths, route, "encoded slash before proof", Post(Open + "%2Fproof").Bearer(User).Body(validForm, MultipartBody.ContentType));
        yield return Make(SweepCategories.Paths, route, "proof/ with a trailing segment", Post(Open + "/proof/x").Bearer(User).Body(validForm, MultipartBody.ContentType));

        foreach (var contentType in new[]
                 {
                     "application/json", "text/plain", "multipart/mixed; boundary=" + MultipartBody.Boundary, "image/png",
                     "multipart/form-data; boundary=a; boundary=b", "application/x-www-form-urlencoded",
                 })
        {
            yield return Make(SweepCategories.ContentTypes, route, $"content type {contentType}", Upload(Open, validForm, contentType));
        }
        yield return Make(SweepCategories.ContentTypes, route, "JSON proof", Upload(Open, """{"transactionNumber":"123456789012","amount":300}"""u8.ToArray(), "application/json"));
        yield return Make(SweepCategories.ContentTypes, route, "urlencoded fields without a file",
            Upload(Open, "transactionNumber=123456789012&amount=300&screenshot=iVBORw0KGgo%3D"u8.ToArray(), "application/x-www-form-urlencoded"));
        yield return Make(SweepCategories.ContentTypes, route, "urlencoded with 5000 pairs",
            Upload(Open, Utf8(string.Join('&', Enumerable.Range(0, 5000).Select(i => $"k{i}=v"))), "application/x-www-form-urlencoded"));
        yield return Make(SweepCategories.ContentTypes, route, "no content type", Upload(Open, validForm, null));

        foreach (var key in new[] { "", "has space", new string('k', 256), "tab\tinside", "\u007f", "\u00e9t\u00e9" })
        {
            yield return Make(SweepCategories.Headers, route, $"Idempotency-Key '{key[..Math.Min(key.Length, 20)]}' ({key.Length} chars)",
                Upload(Open, validForm).Header("Idempotency-Key", key), serverMayRefuse: key.Any(c => c > 0x7E));
        }
        yield return Make(SweepCategories.Headers, route, "Idempotency-Key in invalid UTF-8",
            Upload(Open, validForm).Header("Idempotency-Key", "\u00c3\u0028"), serverMayRefuse: true);
        yield return Make(SweepCategories.Headers, route, "two Idempotency-Keys",
            Upload(Closed, validForm).Header("Idempotency-Key", "sweep-a").Header("Idempotency-Key", "sweep-b"));

        yield return Make(SweepCategories.HugeBodies, route, "11 MB screenshot",
            Upload(Open, MultipartBody.Build([.. MultipartBody.ValidParts()[..2], Part.File("screenshot", "big.png", [.. MultipartBody.Png, .. new byte[11 * 1024 * 1024]])])));
        yield return Make(SweepCategories.HugeBodies, route, "11 MB screenshot, chunked",
            Upload(Open, MultipartBody.Build([.. MultipartBody.ValidParts()[..2], Part.File("screenshot", "big.png", [.. MultipartBody.Png, .. new byte[11 * 1024 * 1024]])])).Chunked(256 * 1024));
        yield return Make(SweepCategories.HugeBodies, route, "3 MB text field",
            Upload(Open, MultipartBody.Build([Part.Text("transactionNumber", new string('1', 3 * 1024 * 1024)), .. MultipartBody.ValidParts()[1..]])));
        // Content-Length alone says it is too large: the answer (413) must come without waiting for the rest.
        yield return Make(SweepCategories.HugeBodies, route, "50 MB declared, 8 KB sent",
            Post(Open + "/proof").Bearer(User).NoContentLength().Header("Content-Length", "52428800").Header("Content-Type", MultipartBody.ContentType)
                .Body(validForm[..Math.Min(validForm.Length, 8192)], null));

        foreach (var method in new[] { "GET", "PUT", "PATCH", "DELETE", "OPTIONS" })
        {
            yield return Make(SweepCategories.Methods, route, $"{method} the proof URL", new RequestBuilder(method, Open + "/proof").Bearer(User).Body(validForm, MultipartBody.ContentType));
        }
    }

    /// <summary>Broken multipart bodies: (name, content type, body, certainly invalid for any parser).</summary>
    private IEnumerable<(string Name, string ContentType, byte[] Body, bool CertainlyInvalid)> BrokenForms()
    {
        var valid = MultipartBody.ValidParts();
        var form = MultipartBody.Build(valid);
        const string type = MultipartBody.ContentType;
        yield return ("no boundary parameter", "multipart/form-data", form, true);
        yield return ("empty boundary", "multipart/form-data; boundary=", form, true);
        yield return ("boundary of 71 characters", "multipart/form-data; boundary=" + new string('b', 71), MultipartBody.Build(valid, new string('b', 71)), false);
        yield return ("boundary of 8 KB", "multipart/form-data; boundary=" + new string('b', 8192), MultipartBody.Build(valid, new string('b', 8192)), false);
        yield return ("unterminated quoted boundary", "multipart/form-data; boundary=\"" + MultipartBody.Boundary, form, false);
        yield return ("boundary not in the body", "multipart/form-data; boundary=other-boundary", form, true);
        yield return ("quoted boundary with spaces", "multipart/form-data; boundary=\"a b c\"", MultipartBody.Build(valid, "a b c"), false);
        yield return ("no closing delimiter", type, MultipartBody.Build(valid, close: false), false);
        yield return ("cut in the middle of the file", type, form[..(form.Length - 200)], true);
        yield return ("cut inside the first part's headers", type, form[..40], true);
        yield return ("empty body", type, [], true);
        yield return ("only the closing delimiter", type, Latin1($"--{MultipartBody.Boundary}--\r\n"), true);
        yield return ("LF line endings", type, Latin1(Encoding.Latin1.GetString(form).Replace("\r\n", "\n", StringComparison.Ordinal)), false);
        yield return ("part without Content-Disposition", type, MultipartBody.Build([valid[0], valid[1], new Part("Content-Type: image/png", MultipartBody.Png)]), true);
        yield return ("Content-Disposition without a name", type, MultipartBody.Build([valid[0], valid[1], new Part("Content-Disposition: form-data; filename=\"a.png\"", MultipartBody.Png)]), true);
        yield return ("Content-Disposition: attachment", type, MultipartBody.Build([valid[0], valid[1], new Part("Content-Disposition: attachment; name=\"screenshot\"; filename=\"a.png\"", MultipartBody.Png)]), false);
        yield return ("empty field name", type, MultipartBody.Build([.. valid, Part.Text("", "x")]), true);
        yield return ("20 KB part header", type, MultipartBody.Build([valid[0], valid[1], new Part(valid[2].HeaderLines + "\r\nX-Pad: " + new string('p', 20 * 1024), MultipartBody.Png)]), false);
        yield return ("20 KB file name", type, MultipartBody.Build([valid[0], valid[1], Part.File("screenshot", new string('f', 20 * 1024) + ".png")]), false);
        yield return ("2000 text parts", type, MultipartBody.Build([.. valid, .. Enumerable.Range(0, 2000).Select(i => Part.Text($"f{i}", "x"))]), true);
        yield return ("2000 file parts", type, MultipartBody.Build([.. valid[..2], .. Enumerable.Range(0, 2000).Select(i => Part.File("screenshot", $"s{i}.png", [0x89, 0x50]))]), true);
        yield return ("17 parts", type, MultipartBody.Build([.. valid, .. Enumerable.Range(0, 14).Select(i => Part.Text($"f{i}", "x"))]), true);
        yield return ("3000 empty parts", type, Concat([.. Enumerable.Repeat(Latin1($"--{MultipartBody.Boundary}\r\n\r\n\r\n"), 3000), Latin1($"--{MultipartBody.Boundary}--\r\n")]), true);
        yield return ("field name of 100 characters", type, MultipartBody.Build([.. valid, Part.Text(new string('n', 100), "x")]), true);
        yield return ("field name with NUL", type, MultipartBody.Build([.. valid, Part.Text("amount\0", "1")]), true);
        yield return ("field name label", type, MultipartBody.Build([.. valid, Part.Text("label", "someone-else")]), true);
        yield return ("screenshot as a text field", type, MultipartBody.Build([valid[0], valid[1], Part.Text("screenshot", "iVBORw0KGgoAAAANSUhEUg==")]), true);
        yield return ("transactionNumber as a file", type, MultipartBody.Build([Part.File("transactionNumber", "n.txt", "123456789012"u8.ToArray(), "text/plain"), valid[1], valid[2]]), true);
        yield return ("amount as a file", type, MultipartBody.Build([valid[0], Part.File("amount", "a.txt", "300"u8.ToArray(), "text/plain"), valid[2]]), true);
        yield return ("every field a file", type, MultipartBody.Build([Part.File("transactionNumber", "n", "123456789012"u8.ToArray()), Part.File("amount", "a", "300"u8.ToArray()), valid[2]]), true);
        yield return ("two screenshots", type, MultipartBody.Build([.. valid, Part.File("screenshot", "second.png")]), true);
        yield return ("empty screenshot", type, MultipartBody.Build([valid[0], valid[1], Part.File("screenshot", "empty.png", [])]), true);
        yield return ("screenshot is text", type, MultipartBody.Build([valid[0], valid[1], Part.File("screenshot", "a.png", "not an image"u8.ToArray())]), true);
        yield return ("screenshot base64-encoded", type, MultipartBody.Build([valid[0], valid[1],
            new Part(valid[2].HeaderLines + "\r\nContent-Transfer-Encoding: base64", Latin1(Convert.ToBase64String(MultipartBody.Png)))]), true);
        yield return ("nested multipart/mixed", type, MultipartBody.Build([valid[0], valid[1], new Part("Content-Disposition: form-data; name=\"screenshot\"\r\nContent-Type: multipart/mixed; boundary=inner",
            Latin1("--inner\r\nContent-Disposition: file; filename=\"a.png\"\r\n\r\nPNG\r\n--inner--"))]), true);
        yield return ("preamble and epilogue", type, MultipartBody.Build(valid, preamble: "garbage before\r\n", epilogue: "garbage after"), false);
        yield return ("100 KB epilogue", type, MultipartBody.Build(valid, epilogue: new string('e', 100 * 1024)), false);
        yield return ("boundary inside the file bytes", type, MultipartBody.Build([valid[0], valid[1],
            Part.File("screenshot", "a.png", [.. MultipartBody.Png, .. Latin1($"\r\n--{MultipartBody.Boundary}\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n9")])]), false);
        yield return ("duplicate Content-Disposition", type, MultipartBody.Build([valid[0], valid[1],
            new Part("Content-Disposition: form-data; name=\"screenshot\"; filename=\"a.png\"\r\nContent-Disposition: form-data; name=\"amount\"", MultipartBody.Png)]), false);
        yield return ("header line without a colon", type, MultipartBody.Build([valid[0], valid[1], new Part(valid[2].HeaderLines + "\r\nnot a header", MultipartBody.Png)]), false);
        yield return ("invalid UTF-8 in a part header", type, MultipartBody.Build([valid[0], valid[1], new Part(valid[2].HeaderLines + "\r\nX-Bad: \u00c3\u0028\u00ff", MultipartBody.Png)]), false);
        yield return ("random bytes", type, RandomBytes(4096), true);
        yield return ("JSON under a multipart type", type, """{"transactionNumber":"123456789012","amount":300}"""u8.ToArray(), true);
    }

    /// <summary>transactionNumber/amount values that must be refused, as raw bytes.</summary>
    private static IEnumerable<(string Name, byte[] TransactionNumber, byte[] Amount)> HostileFieldValues()
    {
        var number = "123456789012"u8.ToArray();
        var amount = "300"u8.ToArray();
        byte[] overlongDigits = [.. Enumerable.Repeat(new byte[] { 0xC0, 0xB1 }, 12).SelectMany(b => b)];
        yield return ("transaction number with NUL", [.. "12345678901"u8, 0], amount);
        yield return ("transaction number of overlong UTF-8 digits", overlongDigits, amount);
        yield return ("transaction number in invalid UTF-8", [.. "1234567890"u8, 0xC3, 0x28], amount);
        yield return ("transaction number of 10 KB", Utf8(new string('1', 10 * 1024)), amount);
        yield return ("transaction number with combining marks", Utf8("12345678901\u0301"), amount);
        yield return ("transaction number in Devanagari digits", Utf8("१२३४५६७८९०१२"), amount);
        yield return ("transaction number SQL", Utf8("1' OR '1'='1"), amount);
        yield return ("amount with NUL", number, [.. "300"u8, 0]);
        yield return ("amount in fullwidth digits", number, Utf8("３００"));
        yield return ("amount with a plus sign", number, "+300"u8.ToArray());
        yield return ("amount in hex", number, "0x12C"u8.ToArray());
        yield return ("amount with CRLF", number, "300\r\n"u8.ToArray());
        yield return ("amount in exponent form", number, "1e3"u8.ToArray());
        yield return ("amount of 10 KB digits", number, Utf8(new string('9', 10 * 1024)));
        yield return ("amount minus zero", number, "-0"u8.ToArray());
        yield return ("amount overlong UTF-8 digits", number, [0xC0, 0xB3, 0xC0, 0xB0, 0xC0, 0xB0]);
        yield return ("amount int max + 1", number, "2147483648"u8.ToArray());
        yield return ("amount NaN", number, "NaN"u8.ToArray());
    }

    /// <summary>The filename parameter of the screenshot part, as written in its header (Latin-1).</summary>
    private static IEnumerable<(string Name, string FileNameHeader)> HostileFileNames()
    {
        static string Utf8AsLatin1(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));
        yield return ("path traversal", "filename=\"../../../../etc/passwd\"");
        yield return ("Windows path traversal", "filename=\"..\\\\..\\\\windows\\\\win.ini\"");
        yield return ("absolute path", "filename=\"/etc/passwd\"");
        yield return ("drive path", "filename=\"C:\\\\boot.ini\"");
        yield return ("UNC path", "filename=\"\\\\\\\\server\\\\share\\\\a.png\"");
        yield return ("control characters", "filename=\"a\u0001\u001b[31m\u007f.png\"");
        yield return ("NUL in the name", "filename=\"a.png\0.exe\"");
        yield return ("percent-encoded CRLF", "filename=\"a%0D%0AX-Injected: 1.png\"");
        yield return ("right-to-left override", "filename=\"" + Utf8AsLatin1("payment\u202Egnp.exe") + "\"");
        yield return ("emoji", "filename=\"" + Utf8AsLatin1("💰💰.png") + "\"");
        yield return ("invalid UTF-8", "filename=\"\u00c3\u0028\u00ff.png\"");
        yield return ("overlong UTF-8 slash", "filename=\"..\u00c0\u00af..\u00c0\u00afetc\u00c0\u00afpasswd\"");
        yield return ("10 KB name", "filename=\"" + new string('n', 10 * 1024) + ".png\"");
        yield return ("only dots", "filename=\"..\"");
        yield return ("reserved device name", "filename=\"CON\"");
        yield return ("shell metacharacters", "filename=\"$(reboot);`id`|*?<>.png\"");
        yield return ("escaped quote", "filename=\"a\\\".png\"");
        yield return ("unquoted with spaces", "filename=a b c.png");
        yield return ("empty", "filename=\"\"");
        yield return ("RFC 5987 traversal", "filename*=UTF-8''..%2F..%2Fetc%2Fpasswd");
        yield return ("RFC 5987 invalid percent", "filename*=UTF-8''%ZZ%C0%AF");
        yield return ("RFC 5987 unknown charset", "filename*=x-bogus''a.png");
        yield return ("both filename and filename*", "filename=\"a.png\"; filename*=UTF-8''..%2Fb.png");
        yield return ("HTML", "filename=\"<script>alert(1)</script>.png\"");
    }
}

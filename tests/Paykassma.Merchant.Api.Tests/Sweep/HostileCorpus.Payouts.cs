namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>Money out and the payment window: bodies that must never store a payout or a deposit.</summary>
public sealed partial class HostileCorpus
{
    private const string PayoutsPath = "/api/payouts";

    /// <summary>The fields of a valid payout, as JSON members; each case breaks exactly one (so none is valid).</summary>
    private static readonly Dictionary<string, string> ValidPayout = new()
    {
        ["label"] = "\"sweep-payee\"", ["amount"] = "1020", ["accountNumber"] = "\"9440377924\"", ["accountName"] = "\"Dorji Wangmo\"",
    };

    private static string PayoutWith(string field, string? json)
    {
        var fields = ValidPayout.Where(f => f.Key != field).Select(f => $"\"{f.Key}\":{f.Value}").ToList();
        if (json is not null)
        {
            fields.Add($"\"{field}\":{json}");
        }
        return "{" + string.Join(',', fields) + "}";
    }

    private static IEnumerable<(string Name, string Json)> InvalidPayouts()
    {
        foreach (var field in ValidPayout.Keys)
        {
            yield return ($"{field} missing", PayoutWith(field, null));
            yield return ($"{field} null", PayoutWith(field, "null"));
        }
        foreach (var label in new[] { "\"\"", "\" \"", "\"" + new string('l', 37) + "\"", "\"a\\u0000b\"", "\"tab\\tin\"", "\"\\ud800\"", "\"\\udfff x\"", "12", "[\"a\"]" })
        {
            yield return ($"label {Shorten(label)}", PayoutWith("label", label));
        }
        foreach (var amount in new[] { "0", "-1", "1020.5", "\"1020\"", "1e400", "1000001", "9223372036854775808", "-9223372036854775809", "true", "{}" })
        {
            yield return ($"payout amount {amount}", PayoutWith("amount", amount));
        }
        foreach (var number in new[] { "\"\"", "\"94403a\"", "\"" + new string('9', 35) + "\"", "\"９４４０\"", "\"9440.3779\"", "\"\\u0000\"", "\"\\ud800\"", "9440377924" })
        {
            yield return ($"accountNumber {Shorten(number)}", PayoutWith("accountNumber", number));
        }
        foreach (var name in new[] { "\"\"", "\"   \"", "\"" + new string('n', 31) + "\"", "\"Dörji\"", "\"Dorji\\nWangmo\"", "\"Dorji2\"", "\"\\ud83d\"", "\"ᴰorji\"" })
        {
            yield return ($"accountName {Shorten(name)}", PayoutWith("accountName", name));
        }
        var details = new[]
        {
            "{}", "[]", "\"bank_code=BNB\"", "{\"bank_code\":\"\\ud800\"}", "{\"bank_code\":\"\\udc00\\ud800\"}", "{\"\\ud800\":\"BNB\"}", "{\"bank_code\":\"BN\\udbff\"}",
            "{\"Bank_Code\":\"BNB\"}", "{\"bank code\":\"BNB\"}", "{\"" + new string('k', 65) + "\":\"x\"}", "{\"bank_code\":\"" + new string('v', 129) + "\"}",
            "{\"bank_code\":\"\"}", "{\"bank_code\":null}", "{\"bank_code\":7}", "{\"bank_code\":{\"nested\":\"\\ud800\"}}", "{\"bank_code\":[\"BNB\"]}",
            "{\"bank_code\":\"a\\u0000b\"}", "{\"bank_code\":\"line\\nbreak\"}", "{\"bank_code\":\"A\",\"bank_code\":\"B\"}",
            "{" + string.Join(',', Enumerable.Range(0, 11).Select(i => $"\"k{i}\":\"v\"")) + "}",
        };
        foreach (var detail in details)
        {
            yield return ($"bankDetails {Shorten(detail)}", PayoutWith("bankDetails", detail));
        }
        yield return ("unknown member", PayoutWith("currency", "\"USD\""));
        yield return ("withdrawalId chosen by the caller", PayoutWith("withdrawalId", "\"po_mine\""));
    }

    private IEnumerable<HostileRequest> PayoutRequests()
    {
        const string route = SweepRoutes.CreatePayout;
        RequestBuilder Create(string json) => Post(PayoutsPath).Bearer(_tokens.BackOffice).Header("Idempotency-Key", $"sweep-{_random.Next():x8}").Json(json);

        foreach (var (name, json) in InvalidPayouts())
        {
            yield return Make(SweepCategories.WrongTypes, route, name, Create(json));
        }
        foreach (var (category, name, body) in MalformedJsonBodies())
        {
            yield return Make(category, route, name, Post(PayoutsPath).Bearer(_tokens.BackOffice).Header("Idempotency-Key", $"sweep-{_random.Next():x8}").Body(body, "application/json"));
        }
        // Raw bytes that are not UTF-8 inside a bank detail, where a raw JSON value used to carry them to the database.
        foreach (var (name, bytes) in new (string, byte[])[] { ("UTF-8-encoded surrogate", [0xED, 0xA0, 0x80]), ("overlong", [0xC0, 0xAF]), ("0xFF", [0xFF]), ("truncated", [0xE2, 0x82]) })
        {
            var body = Concat(Utf8(PayoutWith("bankDetails", "{\"bank_code\":\"")[..^1]), bytes, Utf8("\"}}"));
            yield return Make(SweepCategories.BadEncoding, route, $"bankDetails value with raw {name}", Post(PayoutsPath).Bearer(_tokens.BackOffice)
                .Header("Idempotency-Key", $"sweep-{_random.Next():x8}").Body(body, "application/json"));
        }
        for (var i = 0; i < 15; i++)
        {
            // The unknown member keeps the body invalid under a few random edits.
            var body = Mutate(Utf8(PayoutWith("zz", "[1,\"two\",{\"three\":null}]")));
            yield return Make(SweepCategories.Fuzz, route, $"mutated payout #{i}", Post(PayoutsPath).Bearer(_tokens.BackOffice).Header("Idempotency-Key", $"sweep-{_random.Next():x8}").Body(body, "application/json"));
        }

        // A valid payout whose Idempotency-Key is missing or malformed: refused (400) before anything is stored.
        var valid = PayoutWith("", null);
        foreach (var (name, key) in new (string, string?)[]
                 {
                     ("no Idempotency-Key", null), ("empty Idempotency-Key", ""), ("256-character key", new string('k', 256)), ("key with a space", "a b"),
                     ("key with Latin-1 bytes", "caf\u00e9"), ("key with a tab", "a\tb"), ("key of 8 KB", new string('k', 8 * 1024)),
                 })
        {
            var request = Post(PayoutsPath).Bearer(_tokens.BackOffice).Json(valid);
            // Kestrel may refuse a header byte outside ASCII itself (an empty 400).
            yield return Make(SweepCategories.Headers, route, name, key is null ? request : request.Header("Idempotency-Key", key), serverMayRefuse: name.Contains("Latin-1", StringComparison.Ordinal));
        }
        yield return Make(SweepCategories.Headers, route, "key with a NUL", Post(PayoutsPath).Bearer(_tokens.BackOffice).Header("Idempotency-Key", "a\0b").Json(valid), serverMayRefuse: true);

        // Who may create: only the payouts role. A valid body and key, so only the token decides.
        yield return Make(SweepCategories.Tokens, route, "a user's token", Post(PayoutsPath).Bearer(User).Header("Idempotency-Key", "sweep-user").Json(valid));
        yield return Make(SweepCategories.Tokens, route, "an ops token", Post(PayoutsPath).Bearer(Ops).Header("Idempotency-Key", "sweep-ops").Json(valid));
        yield return Make(SweepCategories.Tokens, route, "no token", Post(PayoutsPath).Header("Idempotency-Key", "sweep-none").Json(valid));
        foreach (var (name, token) in _tokens.Forged(ops: false).Where((_, i) => i % 3 == 0))
        {
            yield return Make(SweepCategories.Tokens, route, "forged: " + name, Post(PayoutsPath).Bearer(token).Header("Idempotency-Key", "sweep-forged").Json(valid));
        }
        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16" })
        {
            yield return Make(SweepCategories.ContentTypes, route, $"content type {contentType}",
                Post(PayoutsPath).Bearer(_tokens.BackOffice).Header("Idempotency-Key", "sweep-type").Body(Utf8(valid), contentType));
        }
        yield return Make(SweepCategories.HugeBodies, route, "2 MB payout", Post(PayoutsPath).Bearer(_tokens.BackOffice).Header("Idempotency-Key", "sweep-huge")
            .Json(PayoutWith("bankDetails", "{\"memo\":\"" + new string('m', 2 * 1024 * 1024) + "\"}")));
        foreach (var method in new[] { "PUT", "PATCH", "DELETE" })
        {
            yield return Make(SweepCategories.Methods, route, $"{method} /api/payouts", new RequestBuilder(method, PayoutsPath).Bearer(_tokens.BackOffice).Json(valid));
        }

        var payout = $"{PayoutsPath}/{_targets.PayoutId}";
        yield return Make(SweepCategories.Paths, SweepRoutes.GetPayout, "its creator", Get(payout).Bearer(_tokens.BackOffice));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetPayout, "another back office", Get(payout).Bearer(_tokens.OtherBackOffice));
        yield return Make(SweepCategories.Tokens, SweepRoutes.GetPayout, "a user's token", Get(payout).Bearer(User));
        yield return Make(SweepCategories.Tokens, SweepRoutes.GetPayout, "an ops token", Get(payout).Bearer(Ops));
        yield return Make(SweepCategories.Tokens, SweepRoutes.GetPayout, "no token", Get(payout));
        yield return Make(SweepCategories.Paths, SweepRoutes.GetPayout, "an unknown id", Get($"{PayoutsPath}/{new Guid(RandomBytes(16))}").Bearer(_tokens.BackOffice));
        foreach (var id in NonGuidIds().Where((_, i) => i % 2 == 1))
        {
            yield return Make(SweepCategories.Paths, SweepRoutes.GetPayout, $"id {Shorten(id)}", Get($"{PayoutsPath}/{id}").Bearer(_tokens.BackOffice));
        }
        foreach (var method in new[] { "POST", "PUT", "DELETE" })
        {
            yield return Make(SweepCategories.Methods, SweepRoutes.GetPayout, $"{method} a payout", new RequestBuilder(method, payout).Bearer(_tokens.BackOffice).Json("{}"));
        }
    }

    private IEnumerable<HostileRequest> WindowRequests()
    {
        const string route = SweepRoutes.Window;
        const string path = "/api/deposits/window";
        foreach (var (category, name, body) in MalformedJsonBodies())
        {
            yield return Make(category, route, name, Post(path).Bearer(User).Body(body, "application/json"));
        }
        foreach (var lang in new[] { "\"\"", "\"e\"", "\"english\"", "\"1en\"", "\"-en\"", "\"en_US\"", "\"en US\"", "\"\\u0000\"", "\"\\ud800\"", "\"ру\"", "\"💰\"", "7", "[\"en\"]", "\"" + new string('e', 5000) + "\"" })
        {
            yield return Make(SweepCategories.WrongTypes, route, $"lang {Shorten(lang)}", Post(path).Bearer(User).Json($"{{\"amount\":300,\"lang\":{lang}}}"));
        }
        yield return Make(SweepCategories.BadEncoding, route, "lang with a raw UTF-8-encoded surrogate", Post(path).Bearer(User).Body(Concat(Utf8("{\"lang\":\"e"), [0xED, 0xA0, 0x80], Utf8("\"}")), "application/json"));
        // A valid body under a malformed key: refused (400) before a deposit is stored.
        foreach (var key in new[] { "", "a b", new string('k', 256), "caf\u00e9" })
        {
            yield return Make(SweepCategories.Headers, route, $"Idempotency-Key {Shorten(key)}", Post(path).Bearer(User).Header("Idempotency-Key", key).Json("""{"amount":300,"lang":"en"}"""),
                serverMayRefuse: key.Any(c => c > '~'));
        }
        yield return Make(SweepCategories.Tokens, route, "no token", Post(path).Json("""{"amount":300}"""));
        yield return Make(SweepCategories.ContentTypes, route, "form body", Post(path).Bearer(User).Header("Idempotency-Key", "not a valid key").Body(Utf8("amount=300"), "application/x-www-form-urlencoded"));
        yield return Make(SweepCategories.HugeBodies, route, "2 MB body", Post(path).Bearer(User).Json("{\"lang\":\"" + new string('e', 2 * 1024 * 1024) + "\"}"));
        yield return Make(SweepCategories.Methods, route, "GET the window", Get(path).Bearer(User));
        yield return Make(SweepCategories.Methods, route, "DELETE the window", new RequestBuilder("DELETE", path).Bearer(User));
    }
}

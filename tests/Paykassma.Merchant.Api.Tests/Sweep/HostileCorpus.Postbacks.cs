using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Sweep;

public sealed partial class HostileCorpus
{
    private const string PostbackPath = "/api/paykassma/postback";
    private const string ForeignPrivateKey = "pk_another_merchant_0000";

    private IEnumerable<HostileRequest> PostbackRequests()
    {
        const string route = SweepRoutes.Postback;
        const ErrorShape fail = ErrorShape.GatewayFail;
        HostileRequest Send(string category, string name, byte[] body, string? contentType = "application/json") =>
            Make(category, route, name, Post(PostbackPath).Body(body, contentType), fail);

        foreach (var (name, body) in ForgedPostbacks())
        {
            yield return Send(SweepCategories.Postbacks, name, body);
        }
        foreach (var (field, value) in EnvelopeFields().SelectMany(f => WrongValues().Select(v => (f, v))))
        {
            yield return Send(SweepCategories.WrongTypes, $"{field} = {Shorten(value)}", Edited(o => o[field] = JsonNode.Parse(value)));
        }
        foreach (var (field, value) in ItemFields().SelectMany(f => WrongValues().Select(v => (f, v))))
        {
            yield return Send(SweepCategories.WrongTypes, $"additional_data[0].{field} = {Shorten(value)}",
                Edited(o => o["additional_data"]![0]![field] = JsonNode.Parse(value)));
        }
        foreach (var (field, limit) in BoundedEnvelopeFields())
        {
            // A value cut at its column length must never split a surrogate pair (half an emoji cannot
            // be written): an astral character straddling every length near the limit.
            for (var prefix = limit - 2; prefix <= limit + 1; prefix++)
            {
                var value = new string('a', prefix) + "\U0001F600";
                yield return Send(SweepCategories.BadEncoding, $"{field} = {prefix} × a + an emoji (column {limit})", Edited(o => o[field] = value));
            }
        }
        foreach (var (category, name, body) in MalformedJsonBodies())
        {
            yield return Send(category, name, body);
        }
        foreach (var (name, body) in EncodingAbuse())
        {
            yield return Send(SweepCategories.BadEncoding, name, body);
        }
        for (var i = 0; i < 40; i++)
        {
            // A forged postback stays forged however it is mangled: the answer must be 400 or 401.
            yield return Send(SweepCategories.Fuzz, $"mutated forged postback #{i}", Mutate(Forged()));
        }

        yield return Send(SweepCategories.MalformedJson, "empty body", []);
        yield return Send(SweepCategories.MalformedJson, "100k-deep arrays", Utf8("{\"additional_data\":" + new string('[', 100_000) + new string(']', 100_000) + "}"));
        yield return Send(SweepCategories.MalformedJson, "100k unclosed objects", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 40_000))));
        yield return Send(SweepCategories.HugeBodies, "exactly at the limit (256 KB)", PaddedForged(262_144));
        yield return Send(SweepCategories.HugeBodies, "one byte over the limit", PaddedForged(262_145));
        yield return Send(SweepCategories.HugeBodies, "300 KB signature", Edited(o => o["signature"] = new string('a', 300 * 1024)));
        yield return Make(SweepCategories.HugeBodies, route, "300 KB chunked", Post(PostbackPath).Body(PaddedForged(300 * 1024), "application/json").Chunked(8192), fail);
        yield return Send(SweepCategories.HugeBodies, "5 MB", PaddedForged(5 * 1024 * 1024));
        yield return Make(SweepCategories.HugeBodies, route, "5 MB chunked in 1-byte-header chunks", Post(PostbackPath).Body(PaddedForged(5 * 1024 * 1024), "application/json").Chunked(1024 * 1024), fail);
        yield return Send(SweepCategories.HugeBodies, "50k transactions", Edited(o => o["additional_data"] = new JsonArray(
            Enumerable.Range(0, 50_000).Select(i => (JsonNode)new JsonObject { ["transaction_id"] = i.ToString(CultureInfo.InvariantCulture) }).ToArray())));
        // Content-Length alone says it is too large: the answer (413) must come without waiting for the rest.
        yield return Make(SweepCategories.HugeBodies, route, "1 GB declared, 4 KB sent",
            Post(PostbackPath).NoContentLength().Header("Content-Length", "1073741824").Header("Content-Type", "application/json").Body(Forged(), null),
            fail);

        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=bogus", "application/xml" })
        {
            yield return Send(SweepCategories.ContentTypes, $"forged under {contentType}", Forged(), contentType);
        }
        yield return Send(SweepCategories.ContentTypes, "forged without a content type", Forged(), null);
        yield return Send(SweepCategories.ContentTypes, "as a form",
            Utf8("signature=00&access_key=" + MerchantApiFactory.PostbackAccessKey + "&additional_data%5B0%5D%5Btransaction_id%5D=1"), "application/x-www-form-urlencoded");

        foreach (var method in new[] { "GET", "PUT", "PATCH", "DELETE", "OPTIONS" })
        {
            yield return Make(SweepCategories.Methods, route, $"{method} the postback URL", new RequestBuilder(method, PostbackPath).Body(Forged(), "application/json"), fail);
        }
        yield return Make(SweepCategories.Methods, route, "HEAD the postback URL", new RequestBuilder("HEAD", PostbackPath), fail, isHead: true);
        yield return Make(SweepCategories.Paths, route, "upper-case path", Post("/API/PAYKASSMA/POSTBACK").Body(Forged(), "application/json"), fail);
        yield return Make(SweepCategories.Paths, route, "dot segments", Post("/api/ops/../paykassma/./postback").Body(Forged(), "application/json"), fail);
        yield return Make(SweepCategories.Paths, route, "trailing slash", Post(PostbackPath + "/").Body(Forged(), "application/json"), fail);
        yield return Make(SweepCategories.Paths, route, "query string", Post(PostbackPath + "?status=ok&signature=00").Body(Forged(), "application/json"), fail);
        yield return Make(SweepCategories.Paths, route, "encoded slash", Post("/api/paykassma%2Fpostback").Body(Forged(), "application/json"));
        yield return Make(SweepCategories.Paths, route, "extra segment", Post(PostbackPath + "/extra").Body(Forged(), "application/json"));
        yield return Make(SweepCategories.Tokens, route, "with a forged ops bearer token", Post(PostbackPath).Bearer(_tokens.Forged(ops: true)[0].Token).Body(Forged(), "application/json"), fail);
    }

    private byte[] Forged(string privateKey = ForeignPrivateKey, string accessKey = MerchantApiFactory.PostbackAccessKey, int items = 1) =>
        TestPostbacks.Body(Enumerable.Range(0, items).Select(_ => Item()), _targets.OwnerLabel, accessKey: accessKey, privateKey: privateKey);

    private JsonObject Item() => TestPostbacks.Item(
        _random.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture), "pm_" + new Guid(RandomBytes(16)).ToString("N"));

    /// <summary>A forged postback with one edit to its parsed form.</summary>
    private byte[] Edited(Action<JsonObject> edit)
    {
        var body = JsonNode.Parse(Forged())!.AsObject();
        edit(body);
        return Utf8(body.ToJsonString());
    }

    private byte[] PaddedForged(int size)
    {
        var forged = Forged();
        // Pad inside an unsigned member, so the body stays a well-formed (forged) postback of exactly this size.
        var padding = size - forged.Length - ",\"pad\":\"\"".Length;
        return [.. forged[..^1], .. Utf8(",\"pad\":\"" + new string('p', Math.Max(0, padding)) + "\"}")];
    }

    /// <summary>A value short enough for a case name, still telling long values apart by their length.</summary>
    private static string Shorten(string value) => value.Length > 40 ? value[..30] + $"…({value.Length} chars)" : value;

    private static string[] EnvelopeFields() =>
        ["signature", "access_key", "amount", "currency_code", "label", "direction", "created_datetime", "wallet_type", "additional_data"];

    /// <summary>Unsigned top-level fields that are stored, with their column lengths.</summary>
    private static (string Field, int Limit)[] BoundedEnvelopeFields() =>
        [("label", 190), ("signature", 128), ("access_key", 190), ("direction", 32), ("amount", 64)];

    private static string[] ItemFields() => ["transaction_id", "amount", "plugin_custom_order_id", "activated_datetime", "transaction_type", "currency_code"];

    private static string[] WrongValues() =>
        ["123", "true", "null", "[]", "{\"a\":1}", "\"" + new string('x', 10 * 1024) + "\"", "1e400", "\"\\u0000\""];

    /// <summary>Postbacks that look signed but are not genuine: wrong keys, borrowed or broken signatures, signed data changed.</summary>
    private IEnumerable<(string Name, byte[] Body)> ForgedPostbacks()
    {
        yield return ("signed with another merchant's private key", Forged());
        yield return ("signed with a foreign access key", Forged(MerchantApiFactory.PostbackPrivateKey, "foreign-access-key"));
        yield return ("foreign access key with our private key", Forged(accessKey: "uowkn0b3LfBxpcWYHi4X"));
        yield return ("signed with the private key as access key", Forged(MerchantApiFactory.PostbackPrivateKey, MerchantApiFactory.PostbackPrivateKey));
        yield return ("three transactions, wrong key", Forged(items: 3));
        yield return ("100 transactions, wrong key", Forged(items: 100));
        foreach (var (name, signature) in new[]
                 {
                     ("empty signature", ""), ("one-character signature", "a"), ("64 zeros", new string('0', 64)),
                     ("non-hex signature", new string('z', 64)), ("10 KB signature", new string('a', 10 * 1024)),
                     ("signature with NUL", "ab\0cd"), ("signature of spaces", "    "), ("base64 signature", "q83vEjRWeJA="),
                 })
        {
            yield return (name, TestPostbacks.Body([Item()], _targets.OwnerLabel, signatureOverride: signature));
        }

        // Genuine signatures (our real keys) over one list, sent with different signed data.
        var genuine = Encoding.UTF8.GetString(TestPostbacks.Body([Item()], _targets.OwnerLabel));
        var genuineSignature = JsonNode.Parse(genuine)!["signature"]!.GetValue<string>();
        // A replacement that found nothing would send the genuine postback, which is rightly accepted.
        string Changed(string from, string to) => genuine.Contains(from, StringComparison.Ordinal)
            ? genuine.Replace(from, to, StringComparison.Ordinal)
            : throw new InvalidOperationException($"The genuine postback has no '{from}' to change.");
        yield return ("genuine signature, signed amount raised", Utf8(Changed("\"amount\":\"300\"", "\"amount\":\"300000\"")));
        yield return ("genuine signature, signed currency changed", Utf8(Changed("\"currency_code\":\"BTN\"", "\"currency_code\":\"USD\"")));
        yield return ("genuine signature, custom order id changed", Utf8(Changed("\"plugin_custom_order_id\":\"pm_", "\"plugin_custom_order_id\":\"pm_0")));
        yield return ("genuine signature, transaction id changed", Utf8(Changed("\"transaction_id\":\"", "\"transaction_id\":\"9")));
        yield return ("genuine signature, direction of an item flipped", Utf8(Changed("\"transaction_type\":0", "\"transaction_type\":1")));
        yield return ("genuine signature, a second list appended", Utf8(genuine[..^1] + ",\"additional_data\":[" + Item().ToJsonString() + "]}"));
        yield return ("genuine signature, a second signature appended", Utf8(genuine[..^1] + ",\"signature\":\"" + new string('0', 64) + "\"}"));
        yield return ("genuine signature, a second access key appended", Utf8(genuine[..^1] + ",\"access_key\":\"other\"}"));
        yield return ("genuine signature moved to a legacy list, another list current", Utf8(
            Changed("\"additional_data\":", "\"transactions\":")[..^1] + ",\"additional_data\":[" + Item().ToJsonString() + "]}"));
        yield return ("genuine signature over another body", TestPostbacks.Body([Item()], _targets.OwnerLabel, signatureOverride: genuineSignature));
        yield return ("genuine signature, item appended", Utf8(Changed("}]}", "}," + Item().ToJsonString() + "]}")));
        yield return ("genuine signature, item's unsigned duplicate key", Utf8(Changed("\"amount\":\"300\"", "\"amount\":\"300\",\"amount\":\"9\"")));
        yield return ("legacy list, wrong key", Utf8(Encoding.UTF8.GetString(Forged()).Replace("\"additional_data\":", "\"transactions\":", StringComparison.Ordinal)));
        yield return ("no signature member", Edited(o => o.Remove("signature")));
        yield return ("no access key member", Edited(o => o.Remove("access_key")));
        yield return ("no list", Edited(o => o.Remove("additional_data")));
        yield return ("empty list, wrong key", Edited(o => o["additional_data"] = new JsonArray()));
        yield return ("status ok member", Edited(o => o["status"] = "ok"));
        yield return ("verified true member", Edited(o => o["verified"] = true));
    }

    private IEnumerable<(string Name, byte[] Body)> EncodingAbuse()
    {
        var forged = Encoding.UTF8.GetString(Forged());
        byte[] Replace(string what, byte[] with)
        {
            var at = forged.IndexOf(what, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidOperationException($"The forged postback has no '{what}' to replace.");
            }
            return [.. Utf8(forged[..at]), .. with, .. Utf8(forged[(at + what.Length)..])];
        }
        var labelValue = "\"" + _targets.OwnerLabel + "\"";
        yield return ("escaped NUL in the label", Replace(labelValue, "\"a\\u0000b\""u8.ToArray()));
        yield return ("escaped NUL in the access key", Replace("\"" + MerchantApiFactory.PostbackAccessKey + "\"", "\"\\u0000\""u8.ToArray()));
        yield return ("escaped NUL in a transaction id", Replace("\"transaction_id\":\"", "\"transaction_id\":\"\\u0000"u8.ToArray()));
        yield return ("escaped NUL in a key", Replace("\"label\"", "\"la\\u0000bel\""u8.ToArray()));
        yield return ("raw NUL in the label", Replace(labelValue, [(byte)'"', 0, (byte)'"']));
        yield return ("lone surrogate in the label", Replace(labelValue, "\"\\ud800\""u8.ToArray()));
        yield return ("lone surrogate in a transaction id", Replace("\"transaction_id\":\"", "\"transaction_id\":\"\\udc00"u8.ToArray()));
        yield return ("lone surrogate in a key", Replace("\"label\"", "\"\\ud800\""u8.ToArray()));
        yield return ("invalid UTF-8 in the label", Replace(labelValue, [(byte)'"', 0xC3, 0x28, (byte)'"']));
        yield return ("overlong UTF-8 quote", Replace(labelValue, [(byte)'"', 0xC0, 0xA2, (byte)'"']));
        yield return ("UTF-8 encoded surrogate in a comment", Replace("\"comment\":\"", [.. "\"comment\":\""u8, 0xED, 0xA0, 0x80]));
        yield return ("UTF-8 BOM before a forged postback", [0xEF, 0xBB, 0xBF, .. Utf8(forged)]);
        yield return ("UTF-16 forged postback", Encoding.Unicode.GetBytes(forged));
        yield return ("Latin-1 label", Replace(labelValue, Encoding.Latin1.GetBytes("\"café\"")));
        yield return ("1000 NUL bytes", new byte[1000]);
        yield return ("4 KB of random bytes", RandomBytes(4096));
    }
}

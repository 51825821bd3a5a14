namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>Ops lists' time filters in every offset and spelling, and the bodies of every ops action.</summary>
public sealed partial class HostileCorpus
{
    private IEnumerable<HostileRequest> OpsActionRequests()
    {
        // Time filters: any ISO-8601 offset is the same instant in UTC (a non-zero offset once answered 500);
        // anything that is not a time is a 400. Raw '+' arrives as a space and is read as the '+' it was.
        var timed = new (string Route, string Path)[]
        {
            (SweepRoutes.OpsDeposits, "/api/ops/deposits"), (SweepRoutes.OpsPostbacks, "/api/ops/postbacks"), (SweepRoutes.OpsPayouts, "/api/ops/payouts"),
            (SweepRoutes.OpsActions, "/api/ops/actions"),
        };
        foreach (var (route, path) in timed)
        {
            foreach (var filter in new[] { "from", "to" })
            {
                foreach (var value in TimeAbuse())
                {
                    yield return Make(SweepCategories.Queries, route, $"?{filter}={Shorten(value)} (time)", Get($"{path}?{filter}={value}").Bearer(Ops));
                }
            }
            yield return Make(SweepCategories.Queries, route, "from after to, in two offsets",
                Get($"{path}?from=2026-12-07T00:00:00%2B06:00&to=2026-12-06T00:00:00-05:00").Bearer(Ops));
        }

        // Bodies of the actions. The payout is rejected, so a reject with a good reason, an approve and a
        // retry are each refused (409) and store nothing; a bad reason is a 400 first.
        var actions = new (string Route, string Path)[]
        {
            (SweepRoutes.OpsApprove, $"/api/ops/payouts/{_targets.PayoutId}/approve"),
            (SweepRoutes.OpsReject, $"/api/ops/payouts/{_targets.PayoutId}/reject"),
            (SweepRoutes.OpsRetryPayout, $"/api/ops/payouts/{_targets.PayoutId}/retry"),
            (SweepRoutes.OpsRedeliver, $"/api/ops/events/{_targets.EventId}/redeliver"),
            (SweepRoutes.OpsReverify, $"/api/ops/postbacks/{_targets.RejectedPostbackId}/reverify"),
            (SweepRoutes.OpsRetry, $"/api/ops/proofs/{_targets.ProofId}/retry"),
            (SweepRoutes.OpsAttentionSeen, $"/api/ops/attention/payout_refused/{_targets.PayoutId}/seen"),
        };
        foreach (var (route, path) in actions)
        {
            foreach (var (name, body) in ActionBodies())
            {
                yield return Make(SweepCategories.WrongTypes, route, $"body {name}", Post(path).Bearer(Ops).Body(body, "application/json"));
            }
            yield return Make(SweepCategories.BadEncoding, route, "reason with raw invalid UTF-8", Post(path).Bearer(Ops)
                .Body(Concat(Utf8("{\"reason\":\"because "), [0xC3, 0x28, 0xED, 0xA0, 0x80], Utf8("\"}")), "application/json"));
            yield return Make(SweepCategories.ContentTypes, route, "reason as text/plain", Post(path).Bearer(Ops).Body(Utf8("because"), "text/plain"));
            yield return Make(SweepCategories.ContentTypes, route, "reason as a form", Post(path).Bearer(Ops).Body(Utf8("reason=because"), "application/x-www-form-urlencoded"));
            yield return Make(SweepCategories.ContentTypes, route, "JSON in UTF-16", Post(path).Bearer(Ops).Body(Utf8("""{"reason":"because"}"""), "application/json; charset=utf-16"));
            yield return Make(SweepCategories.Tokens, route, "the back office's token", Post(path).Bearer(_tokens.BackOffice).Json("""{"reason":"because"}"""));
            yield return Make(SweepCategories.Tokens, route, "an ops token without a subject", Post(path).Bearer(_tokens.OpsWithoutSubject).Json("""{"reason":"because"}"""));
            foreach (var (name, token) in _tokens.Forged(ops: true).Where((_, i) => i % 5 == 0))
            {
                yield return Make(SweepCategories.Tokens, route, "forged: " + name, Post(path).Bearer(token).Json("""{"reason":"because"}"""));
            }
        }
    }

    private static string[] TimeAbuse() =>
    [
        "2026-12-06T00:00:00%2B06:00", "2026-12-06T00:00:00+06:00", "2026-12-06T00:00:00-05:30", "2026-12-06T00:00:00%2B14:00", "2026-12-06T00:00:00-14:00",
        "2026-12-06T00:00:00%2B15:00", "2026-12-06T00:00:00+0600", "2026-12-06T00:00:00%2B06", "2026-12-06T00:00:00%2006:00", "2026-12-06T00:00:00%20%2B06:00",
        "2026-12-06T00:00:00.1234567891Z", "2026-12-06T24:00:00Z", "2026-02-30T00:00:00Z", "2026-12-06T00:00:00ZZ", "2026-12-06T00:00:00%2B06:00%2B06:00",
        "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "%2B", "+", "-", "now", "1733443200", "1e10",
        "2026-W49-7", "2026-340", "20261206T000000Z", "2026-12-06T00:00:00%00", "%ED%A0%80", "2026-12-06T00:00:00%E2%80%8B", "2026-12-06&from=2026-12-07",
    ];

    /// <summary>Action bodies, raw: each is either refused as it is, or ignored by an action that takes no body.</summary>
    private static IEnumerable<(string Name, byte[] Body)> ActionBodies()
    {
        foreach (var (name, json) in new[]
                 {
                     ("no reason", "{}"), ("empty reason", """{"reason":""}"""), ("blank reason", """{"reason":" \t "}"""), ("null reason", """{"reason":null}"""),
                     ("numeric reason", """{"reason":7}"""), ("reason a list", """{"reason":["a"]}"""), ("reason an object", """{"reason":{"why":"x"}}"""),
                     ("NUL in the reason", """{"reason":"a\u0000b"}"""), ("lone high surrogate reason", """{"reason":"\ud800"}"""),
                     ("lone low surrogate reason", """{"reason":"ok \udc00"}"""), ("reversed pair reason", """{"reason":"\udc00\ud800"}"""),
                     ("lone surrogate member name", """{"\ud800":"x"}"""), ("lone surrogate nested", """{"reason":"fine","x":{"y":["\udbff"]}}"""),
                     ("501-character reason", "{\"reason\":\"" + new string('r', 501) + "\"}"), ("900 KB reason", "{\"reason\":\"" + new string('r', 900 * 1024) + "\"}"),
                     ("a good reason", """{"reason":"duplicate request from the back office"}"""), ("reason twice", """{"reason":"a","reason":"b"}"""),
                     ("unknown member", """{"reason":"fine","force":true}"""), ("root list", "[]"), ("root string", "\"because\""), ("broken JSON", "{\"reason\":"),
                 })
        {
            yield return (name, Utf8(json));
        }
    }
}

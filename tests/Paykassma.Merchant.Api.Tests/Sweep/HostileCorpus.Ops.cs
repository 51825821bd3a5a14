namespace Paykassma.Merchant.Api.Tests.Sweep;

public sealed partial class HostileCorpus
{
    private IEnumerable<HostileRequest> OpsRequests()
    {
        var lists = new (string Route, string Path, string[] Filters)[]
        {
            (SweepRoutes.OpsDeposits, "/api/ops/deposits", ["label", "status", "from", "to"]),
            (SweepRoutes.OpsProofs, "/api/ops/proofs", ["status", "depositId", "label"]),
            (SweepRoutes.OpsPostbacks, "/api/ops/postbacks", ["transactionId", "verified", "outcome", "reason", "from", "to"]),
            (SweepRoutes.OpsTransactions, "/api/ops/transactions", ["transactionId", "customOrderId", "direction", "depositId", "matched"]),
            (SweepRoutes.OpsPayouts, "/api/ops/payouts", ["status", "label", "from", "to", "stale", "conflict"]),
            (SweepRoutes.OpsEvents, "/api/ops/events", ["status", "type", "subjectId"]),
            (SweepRoutes.OpsActions, "/api/ops/actions", ["subjectId", "actor", "action", "from", "to"]),
            (SweepRoutes.OpsAttention, "/api/ops/attention", ["kind", "seen"]),
        };
        foreach (var (route, path, filters) in lists)
        {
            foreach (var query in PagingAbuse())
            {
                yield return Make(SweepCategories.Queries, route, $"?{query}", Get($"{path}?{query}").Bearer(Ops));
            }
            foreach (var filter in filters)
            {
                // The values that break things most often every time, a seeded few of the rest.
                var rest = FilterAbuse()[5..];
                foreach (var value in FilterAbuse()[..5].Concat(Enumerable.Range(0, 5).Select(_ => Pick(rest))).Distinct())
                {
                    yield return Make(SweepCategories.Queries, route, $"?{filter}={Shorten(value)}", Get($"{path}?{filter}={value}").Bearer(Ops));
                }
            }
            yield return Make(SweepCategories.Tokens, route, "a user's token", Get(path).Bearer(User));
            yield return Make(SweepCategories.Tokens, route, "no token", Get(path));
            foreach (var method in new[] { "POST", "PUT", "DELETE", "PATCH" })
            {
                yield return Make(SweepCategories.Methods, route, $"{method} the list", new RequestBuilder(method, path).Bearer(Ops).Json("{}"));
            }
        }

        var ids = new (string Route, string Method, string Template, Guid Existing)[]
        {
            (SweepRoutes.OpsDeposits, "GET", "/api/ops/deposits/{0}", _targets.OpenDepositId),
            (SweepRoutes.OpsRetry, "POST", "/api/ops/proofs/{0}/retry", _targets.ProofId),
            (SweepRoutes.OpsScreenshot, "GET", "/api/ops/proofs/{0}/screenshot", _targets.ProofId),
            (SweepRoutes.OpsPostbacks, "GET", "/api/ops/postbacks/{0}", _targets.RejectedPostbackId),
            (SweepRoutes.OpsReverify, "POST", "/api/ops/postbacks/{0}/reverify", _targets.RejectedPostbackId),
            (SweepRoutes.OpsPayouts, "GET", "/api/ops/payouts/{0}", _targets.PayoutId),
            (SweepRoutes.OpsApprove, "POST", "/api/ops/payouts/{0}/approve", _targets.PayoutId),
            (SweepRoutes.OpsReject, "POST", "/api/ops/payouts/{0}/reject", _targets.PayoutId),
            (SweepRoutes.OpsRetryPayout, "POST", "/api/ops/payouts/{0}/retry", _targets.PayoutId),
            (SweepRoutes.OpsRedeliver, "POST", "/api/ops/events/{0}/redeliver", _targets.EventId),
            // The rejected payout is on no attention list: marking it is a 400 (no note) or a 404, never a row.
            (SweepRoutes.OpsAttentionSeen, "POST", "/api/ops/attention/payout_refused/{0}/seen", _targets.PayoutId),
        };
        foreach (var (route, method, template, existing) in ids)
        {
            string At(string id) => template.Replace("{0}", id, StringComparison.Ordinal);
            // The existing row with an ops token: a normal answer (200, 404 for a retry of a proof that did not fail or a
            // redelivery of a pending event, 422 for a reverify, 409 for any action on the rejected payout, 400 for a reject without a reason).
            yield return Make(SweepCategories.Paths, route, "the existing id", new RequestBuilder(method, At(existing.ToString())).Bearer(Ops));
            yield return Make(SweepCategories.Paths, route, "an unknown id", new RequestBuilder(method, At(new Guid(RandomBytes(16)).ToString())).Bearer(Ops));
            foreach (var id in NonGuidIds().Where((_, i) => i % 2 == 0))
            {
                yield return Make(SweepCategories.Paths, route, $"id {Shorten(id)}", new RequestBuilder(method, At(id)).Bearer(Ops));
            }
            yield return Make(SweepCategories.Paths, route, "dot segments to the id", new RequestBuilder(method, At("x/../" + existing)).Bearer(Ops));
            yield return Make(SweepCategories.Tokens, route, "a user's token for an id", new RequestBuilder(method, At(existing.ToString())).Bearer(User));
            yield return Make(SweepCategories.Tokens, route, "a stranger's token for an id", new RequestBuilder(method, At(existing.ToString())).Bearer(_tokens.Stranger));
            yield return Make(SweepCategories.Tokens, route, "no token for an id", new RequestBuilder(method, At(existing.ToString())));
            if (method == "POST")
            {
                yield return Make(SweepCategories.MalformedJson, route, "a broken JSON body", Post(At(existing.ToString())).Bearer(Ops).Json("{\"force\":tru"));
                yield return Make(SweepCategories.HugeBodies, route, "a 2 MB body", Post(At(existing.ToString())).Bearer(Ops).Body(RandomBytes(2 * 1024 * 1024), "application/octet-stream"));
                yield return Make(SweepCategories.Methods, route, "GET", Get(At(existing.ToString())).Bearer(Ops));
            }
            else
            {
                yield return Make(SweepCategories.Methods, route, "POST", Post(At(existing.ToString())).Bearer(Ops).Json("{}"));
                yield return Make(SweepCategories.Methods, route, "DELETE", new RequestBuilder("DELETE", At(existing.ToString())).Bearer(Ops));
            }
        }
        yield return Make(SweepCategories.Paths, SweepRoutes.OpsDeposits, "ops prefix upper case", Get("/API/OPS/DEPOSITS").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.OpsDeposits, "ops reached by dot segments from a user route", Get("/api/deposits/../ops/deposits").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.OpsDeposits, "ops reached by encoded dot segments", Get("/api/deposits/%2E%2E/ops/deposits").Bearer(User));
        yield return Make(SweepCategories.Paths, SweepRoutes.OpsDeposits, "ops with an encoded slash", Get("/api/ops%2Fdeposits").Bearer(User));
    }

    private static string[] PagingAbuse() =>
    [
        "page=0", "page=-1", "page=2147483648", "page=abc", "pageSize=0", "pageSize=201", "pageSize=-1", "pageSize=99999999999",
        "page=2147483647&pageSize=200", "page=10737419&pageSize=200", "page=1&page=2", "pageSize=%00",
    ];

    private static string[] FilterAbuse() =>
    [
        "%00", "bogus", "%27%20OR%20%271%27%3D%271", "%ED%A0%80", new string('L', 4000),
        "", "a%00b", "1%3BDROP%20TABLE%20postbacks--", "%25", "_", "%5C", "%FF%FE",
        "%C0%AF", "-infinity", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00%2B14:00",
        "true&verified=false", "%F0%9F%92%B0",
    ];
}

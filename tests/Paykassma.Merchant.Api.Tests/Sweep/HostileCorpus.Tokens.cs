namespace Paykassma.Merchant.Api.Tests.Sweep;

public sealed partial class HostileCorpus
{
    private IEnumerable<HostileRequest> TokenRequests()
    {
        var validForm = MultipartBody.Build(MultipartBody.ValidParts());
        var reverify = $"/api/ops/postbacks/{_targets.RejectedPostbackId}/reverify";

        // Requests that would succeed with a genuine token: a forged one must be refused (401) before anything is stored.
        foreach (var (name, token) in _tokens.Forged(ops: false))
        {
            yield return Make(SweepCategories.Tokens, SweepRoutes.CreateDeposit, name, Post("/api/deposits").Bearer(token).Json("""{"amount":300}"""));
            yield return Make(SweepCategories.Tokens, SweepRoutes.SubmitProof, name, Post(Open + "/proof").Bearer(token).Body(validForm, MultipartBody.ContentType));
        }
        foreach (var (name, token) in _tokens.Forged(ops: true))
        {
            yield return Make(SweepCategories.Tokens, SweepRoutes.OpsDeposits, name, Get("/api/ops/deposits").Bearer(token));
            yield return Make(SweepCategories.Tokens, SweepRoutes.OpsReverify, name, Post(reverify).Bearer(token));
        }
        var forged = _tokens.Forged(ops: false);
        for (var i = 0; i < 8; i++)
        {
            var (name, token) = Pick(forged);
            yield return Make(SweepCategories.Tokens, SweepRoutes.ListDeposits, $"{name} #{i}", Get("/api/deposits").Bearer(token));
            yield return Make(SweepCategories.Tokens, SweepRoutes.GetDeposit, $"{name} #{i}", Get(Open).Bearer(token));
        }

        // Authorization headers that are not one clean bearer token. Where a lenient reading could
        // still authenticate the owner, the request goes to the closed deposit or is read-only.
        var closedProof = Closed + "/proof";
        var schemes = new (string Name, string[] Values, bool MayAuthenticate)[]
        {
            ("scheme without a token", ["Bearer"], false),
            ("scheme and spaces", ["Bearer    "], false),
            ("lower-case scheme", ["bearer " + User], true),
            ("Basic credentials", ["Basic c3dlZXA6c3dlZXA="], false),
            ("Digest", ["Digest username=\"sweep\", realm=\"x\", nonce=\"1\", uri=\"/\", response=\"0\""], false),
            ("token then garbage", ["Bearer " + User + " extra"], true),
            ("two tokens in one header", ["Bearer " + User + ", Bearer " + User], true),
            ("two headers, forged first", ["Bearer " + forged[0].Token, "Bearer " + User], true),
            ("two headers, genuine first", ["Bearer " + User, "Bearer " + forged[0].Token], true),
            ("token with a tab inside", ["Bearer " + User[..10] + "\t" + User[10..]], false),
            ("20 KB token", ["Bearer " + new string('A', 20 * 1024)], false),
            ("quoted token", ["Bearer \"" + User + "\""], true),
            ("empty header", [""], false),
        };
        foreach (var (name, values, mayAuthenticate) in schemes)
        {
            var proof = Post(mayAuthenticate ? closedProof : Open + "/proof").Body(validForm, MultipartBody.ContentType);
            var list = Get("/api/deposits");
            foreach (var value in values)
            {
                proof.Header("Authorization", value);
                list.Header("Authorization", value);
            }
            yield return Make(SweepCategories.Tokens, SweepRoutes.SubmitProof, "Authorization: " + name, proof);
            yield return Make(SweepCategories.Tokens, SweepRoutes.ListDeposits, "Authorization: " + name, list);
        }
        yield return Make(SweepCategories.Headers, SweepRoutes.ListDeposits, "Authorization of 40 KB", Get("/api/deposits").Header("Authorization", "Bearer " + new string('A', 40 * 1024)), serverMayRefuse: true);
        yield return Make(SweepCategories.Tokens, SweepRoutes.ListDeposits, "token in the query string", Get("/api/deposits?access_token=" + User));
        yield return Make(SweepCategories.Tokens, SweepRoutes.ListDeposits, "token in a cookie", Get("/api/deposits").Header("Cookie", "access_token=" + User));
        yield return Make(SweepCategories.Tokens, SweepRoutes.CreateDeposit, "ops token (no label of a user) on a user route", Post("/api/deposits").Bearer(Ops).Json("""{"amount":"x"}"""));

        // Validly signed tokens whose label is odd: reads and a proof for the owner's open deposit
        // must answer normally (a 4xx, or 200 with nothing), never store, never fail.
        foreach (var (name, token) in _tokens.OddLabels())
        {
            yield return Make(SweepCategories.OddLabels, SweepRoutes.ListDeposits, name, Get("/api/deposits").Bearer(token));
            yield return Make(SweepCategories.OddLabels, SweepRoutes.GetDeposit, name, Get(Open).Bearer(token));
            yield return Make(SweepCategories.OddLabels, SweepRoutes.SubmitProof, name, Post(Open + "/proof").Bearer(token).Body(validForm, MultipartBody.ContentType));
            yield return Make(SweepCategories.OddLabels, SweepRoutes.CreateDeposit, name + ", wrong-typed body", Post("/api/deposits").Bearer(token).Json("""{"amount":"x"}"""));
        }
    }
}

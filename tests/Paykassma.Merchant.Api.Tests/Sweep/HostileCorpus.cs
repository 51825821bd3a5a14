using System.Text;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>What the corpus aims at: rows that exist before the sweep starts, and the instant its tokens are made for.</summary>
/// <param name="OpenDepositId">The owner's deposit that still takes proofs.</param>
/// <param name="ClosedDepositId">The owner's confirmed deposit: a well-formed proof for it is refused (409), so hostile file names can go all the way through validation.</param>
/// <param name="ProofId">A forwarded proof (ops: its screenshot is there, a retry is refused).</param>
/// <param name="RejectedPostbackId">A stored forged postback (ops: reverify still refuses it).</param>
/// <param name="PayoutId">The back office's payout, rejected by ops: approve, reject and retry are all refused (409).</param>
/// <param name="EventId">A money event still pending (no webhook URL): redeliver refuses it (404).</param>
/// <param name="ClosedLatestChangeId">The confirmed deposit's latest change: a stream resumed from it has nothing to send (204).</param>
public sealed record SweepTargets(
    string OwnerLabel, Guid OpenDepositId, Guid ClosedDepositId, Guid ProofId, Guid RejectedPostbackId, DateTimeOffset Now,
    Guid PayoutId, Guid EventId, long ClosedLatestChangeId);

/// <summary>Route families, as the report groups them.</summary>
public static class SweepRoutes
{
    public const string CreateDeposit = "POST /api/deposits";
    public const string ListDeposits = "GET /api/deposits";
    public const string GetDeposit = "GET /api/deposits/{id}";
    public const string SubmitProof = "POST /api/deposits/{id}/proof";
    public const string Window = "POST /api/deposits/window";
    public const string DepositEvents = "GET /api/deposits/{id}/events";
    public const string CreatePayout = "POST /api/payouts";
    public const string GetPayout = "GET /api/payouts/{id}";
    public const string Postback = "POST /api/paykassma/postback";
    public const string OpsDeposits = "GET /api/ops/deposits[/{id}]";
    public const string OpsProofs = "GET /api/ops/proofs";
    public const string OpsRetry = "POST /api/ops/proofs/{id}/retry";
    public const string OpsScreenshot = "GET /api/ops/proofs/{id}/screenshot";
    public const string OpsPostbacks = "GET /api/ops/postbacks[/{id}]";
    public const string OpsReverify = "POST /api/ops/postbacks/{id}/reverify";
    public const string OpsTransactions = "GET /api/ops/transactions";
    public const string OpsPayouts = "GET /api/ops/payouts[/{id}]";
    public const string OpsApprove = "POST /api/ops/payouts/{id}/approve";
    public const string OpsReject = "POST /api/ops/payouts/{id}/reject";
    public const string OpsRetryPayout = "POST /api/ops/payouts/{id}/retry";
    public const string OpsEvents = "GET /api/ops/events";
    public const string OpsActions = "GET /api/ops/actions";
    public const string OpsAttention = "GET /api/ops/attention";
    public const string OpsAttentionSeen = "POST /api/ops/attention/{kind}/{id}/seen";
    public const string OpsRedeliver = "POST /api/ops/events/{id}/redeliver";
    public const string DevToken = "/dev/token";
    public const string Health = "/health/*";
    public const string Metrics = "/metrics";
    public const string Swagger = "/swagger";
    public const string OpenApi = "/openapi/v1.json";
    public const string Unknown = "unknown routes";
}

/// <summary>Categories of hostility, as the report groups them.</summary>
public static class SweepCategories
{
    public const string MalformedJson = "malformed JSON";
    public const string WrongTypes = "wrong types";
    public const string HugeBodies = "huge bodies";
    public const string BadEncoding = "invalid/overlong UTF-8, NUL";
    public const string Multipart = "malformed multipart";
    public const string FileNames = "hostile file names";
    public const string Headers = "header abuse";
    public const string Methods = "wrong methods";
    public const string ContentTypes = "wrong content types";
    public const string Tokens = "forged tokens";
    public const string OddLabels = "odd labels in signed tokens";
    public const string Paths = "path tricks";
    public const string Queries = "query abuse";
    public const string Postbacks = "postback forgery";
    public const string Protocol = "protocol violations";
    public const string Fuzz = "seeded mutations";
}

/// <summary>
/// The hostile corpus: a fixed list of families, each expanded with a seeded random source, so the
/// same seed and targets give the same requests byte for byte. Every request is built to be refused:
/// none may store a row other than a rejected postback, or reach the gateway.
/// </summary>
public sealed partial class HostileCorpus
{
    public const int DefaultSeed = 20261127;

    /// <summary>The token subject of the back office that created <see cref="SweepTargets.PayoutId"/>.</summary>
    public const string BackOfficeSubject = "sweep-backoffice";

    private readonly SweepTargets _targets;
    private readonly Random _random;
    private readonly ForgedTokens _tokens;

    private HostileCorpus(SweepTargets targets, int seed)
    {
        _targets = targets;
        _random = new Random(seed);
        _tokens = new ForgedTokens(targets.Now, targets.OwnerLabel);
    }

    public static IReadOnlyList<HostileRequest> Build(SweepTargets targets, int seed = DefaultSeed)
    {
        var corpus = new HostileCorpus(targets, seed);
        return
        [
            .. corpus.CreateDepositRequests(),
            .. corpus.ReadDepositRequests(),
            .. corpus.ProofRequests(),
            .. corpus.WindowRequests(),
            .. corpus.LiveStatusRequests(),
            .. corpus.PostbackRequests(),
            .. corpus.PayoutRequests(),
            .. corpus.OpsRequests(),
            .. corpus.OpsActionRequests(),
            .. corpus.TokenRequests(),
            .. corpus.OtherRouteRequests(),
            .. corpus.HeaderRequests(),
            .. corpus.ProtocolRequests(),
        ];
    }

    private string User => _tokens.User;

    private string Ops => _tokens.Ops;

    private string Open => $"/api/deposits/{_targets.OpenDepositId}";

    private string Closed => $"/api/deposits/{_targets.ClosedDepositId}";

    /// <summary>
    /// A well-formed request. Kestrel itself refuses a path that decodes to a NUL (an empty 400, before
    /// the application), so such a path is always one the server may refuse.
    /// </summary>
    private static HostileRequest Make(string category, string route, string name, RequestBuilder request,
        ErrorShape shape = ErrorShape.Problem, bool serverMayRefuse = false, bool halfClose = false, bool isHead = false) =>
        new(category, route, name, request.Build(), shape,
            serverMayRefuse || request.Target.Split('?')[0].Contains("%00", StringComparison.Ordinal), halfClose, isHead);

    /// <summary>
    /// Bytes as they are. By default the server may refuse them itself; <paramref name="halfClose"/> is
    /// for requests that are incomplete on purpose, so the server sees the end instead of waiting for more.
    /// </summary>
    private static HostileRequest Raw(string category, string route, string name, byte[] bytes,
        ErrorShape shape = ErrorShape.Problem, bool serverMayRefuse = true, bool halfClose = false) =>
        new(category, route, name, bytes, shape, serverMayRefuse, halfClose);

    private static RequestBuilder Get(string target) => new("GET", target);

    private static RequestBuilder Post(string target) => new("POST", target);

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Flips, deletes, inserts or duplicates a few bytes (never in the first <paramref name="keep"/>).</summary>
    private byte[] Mutate(byte[] original, int keep = 0)
    {
        var bytes = new List<byte>(original);
        var edits = _random.Next(1, 4);
        for (var i = 0; i < edits && bytes.Count > keep + 1; i++)
        {
            var at = _random.Next(keep, bytes.Count);
            switch (_random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, (byte)_random.Next(256));
                    break;
                case 3:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(16, bytes.Count - at)));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}

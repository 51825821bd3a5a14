namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>
/// The live status stream with odd Last-Event-IDs. The owner's requests go to the confirmed deposit:
/// its stream sends the final state and ends (or answers 204), so each exchange finishes. A stream
/// on the open deposit would stay open for as long as its token lives.
/// </summary>
public sealed partial class HostileCorpus
{
    private IEnumerable<HostileRequest> LiveStatusRequests()
    {
        const string route = SweepRoutes.DepositEvents;
        var closed = Closed + "/events";
        RequestBuilder Stream(string? lastEventId) =>
            lastEventId is null ? Get(closed).Bearer(User) : Get(closed).Bearer(User).Header("Last-Event-ID", lastEventId);

        var latest = _targets.ClosedLatestChangeId;
        foreach (var (name, value) in new (string, string?)[]
                 {
                     ("no Last-Event-ID", null), ("empty", ""), ("the latest change (204)", Invariant(latest)), ("the change before it", Invariant(latest - 1)),
                     ("zero", "0"), ("minus one", "-1"), ("long max", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                     ("beyond long", "99999999999999999999999"), ("leading plus", "+" + Invariant(latest)), ("leading space", " " + Invariant(latest)),
                     ("trailing space", Invariant(latest) + " "), ("leading zeros", "000" + Invariant(latest)), ("hex", "0x10"), ("exponent", "1e3"),
                     ("fraction", Invariant(latest) + ".0"), ("text", "abc"), ("SQL", "1; DROP TABLE deposit_changes"), ("a GUID", Guid.Empty.ToString()),
                     ("fullwidth digits", "４１"), ("a list", "1,2"), ("8 KB", new string('9', 8 * 1024)), ("Latin-1 bytes", "\u00ff\u00fe"),
                     ("control character", "1\u0001"),
                 })
        {
            // Kestrel may refuse a header byte outside visible ASCII itself (an empty 400).
            yield return Make(SweepCategories.Headers, route, "Last-Event-ID " + name, Stream(value),
                serverMayRefuse: value?.Any(c => c > '~' || (c < ' ' && c != '\t')) == true);
        }
        yield return Make(SweepCategories.Headers, route, "two Last-Event-IDs", Stream("1").Header("Last-Event-ID", Invariant(latest)));
        yield return Make(SweepCategories.Headers, route, "Last-Event-ID with a NUL", Stream("1\u00002"), serverMayRefuse: true);
        yield return Make(SweepCategories.Headers, route, "Accept: application/json", Stream(null).Header("Accept", "application/json"));
        yield return Make(SweepCategories.Headers, route, "Accept-Encoding: gzip", Stream(null).Header("Accept-Encoding", "gzip, br"));

        yield return Make(SweepCategories.Paths, route, "a stranger's deposit", Get(Open + "/events").Bearer(_tokens.Stranger));
        yield return Make(SweepCategories.Paths, route, "an unknown deposit", Get($"/api/deposits/{new Guid(RandomBytes(16))}/events").Bearer(User));
        foreach (var id in NonGuidIds().Where((_, i) => i % 3 == 0))
        {
            yield return Make(SweepCategories.Paths, route, $"id {Shorten(id)}", Get($"/api/deposits/{id}/events").Bearer(User));
        }
        yield return Make(SweepCategories.Paths, route, "trailing segment", Get(closed + "/extra").Bearer(User));
        yield return Make(SweepCategories.Tokens, route, "no token", Get(Open + "/events"));
        yield return Make(SweepCategories.Tokens, route, "token in the query string (EventSource cannot send a header)", Get(Open + "/events?access_token=" + User));
        yield return Make(SweepCategories.Tokens, route, "an ops token", Get(Open + "/events").Bearer(Ops));
        foreach (var (name, token) in _tokens.Forged(ops: false).Where((_, i) => i % 4 == 0))
        {
            yield return Make(SweepCategories.Tokens, route, "forged: " + name, Get(Open + "/events").Bearer(token));
        }
        foreach (var method in new[] { "POST", "PUT", "DELETE" })
        {
            yield return Make(SweepCategories.Methods, route, $"{method} the stream", new RequestBuilder(method, closed).Bearer(User).Json("{}"));
        }
        yield return Make(SweepCategories.Methods, route, "HEAD the stream", new RequestBuilder("HEAD", closed).Bearer(User), isHead: true);
    }

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Sweep;

/// <summary>
/// The README's guarantee, tried for real: no request shape makes the service answer 5xx, every
/// refusal is a clear 4xx in the route's error shape, and nothing is written except the record of a
/// rejected postback. The service runs on Kestrel, so the server's own limits and header parsing
/// are part of what is tried; requests go over bare sockets, so they can be anything.
/// </summary>
public sealed partial class HostileRequestSweepTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Owner = "sweep-owner";
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);

    private readonly MerchantApiFactory _api = new();
    private IPEndPoint _server = null!;
    private HttpClient _http = null!;
    private SweepTargets _targets = null!;

    public async Task InitializeAsync()
    {
        // The corpus is sent by a handful of users at full speed: with production limits most of it
        // would be answered 429, or its rejected postbacks not written, and never reach the code it is aimed at.
        foreach (var limit in new[] { "FrontendPerMinute", "ProofUploadsPerMinute", "OpsPerMinute", "RejectedPostbacksRecordedPerSourcePerMinute" })
        {
            _api.With("RateLimits:" + limit, "100000");
        }
        _api.With("Postbacks:RejectedBytesPerMinute", "1000000000");
        // The sweep's payout waits for a second pair of eyes (and is then rejected): no gateway call to arrange.
        _api.With("Payouts:ApprovalThreshold", "100");
        await _api.InitializeAsync();
        _api.UseKestrel(0);
        _api.StartServer();
        var address = new Uri(_api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var ip = address.Host is "localhost" or "[::]" or "0.0.0.0" ? IPAddress.Loopback : IPAddress.Parse(address.Host.Trim('[', ']'));
        _server = new IPEndPoint(ip, address.Port);
        _http = new HttpClient { BaseAddress = new Uri($"http://{_server}") };
        _targets = await ArrangeTargetsAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await ((IAsyncLifetime)_api).DisposeAsync();
    }

    [Fact]
    public async Task A_seeded_corpus_of_hostile_requests_gets_no_5xx_only_well_shaped_4xx_and_stores_nothing()
    {
        var corpus = HostileCorpus.Build(_targets);
        var gatewayCallsBefore = _api.Gateway.LogEntries.Count();
        var logsBefore = _api.Logs.GetSnapshot().Count;
        var before = await DatabaseFingerprint.TakeAsync(_api.ConnectionString);
        var clock = Stopwatch.StartNew();

        var results = new List<(HostileRequest Request, RawExchange Exchange)>();
        foreach (var request in corpus)
        {
            results.Add((request, await RawHttp.ExchangeAsync(_server, request.Bytes, request.HalfClose, request.IsHead, PerRequest)));
        }
        var elapsed = clock.Elapsed;

        var after = await DatabaseFingerprint.TakeAsync(_api.ConnectionString);
        var gatewayCalls = _api.Gateway.LogEntries.Skip(gatewayCallsBefore).Select(e => $"{e.RequestMessage?.Method} {e.RequestMessage?.Path}").ToList();
        // EF Core logs every failed command too; the service's own line for the same failure says more.
        var errorLogs = _api.Logs.GetSnapshot().Skip(logsBefore)
            .Where(r => r.Level >= LogLevel.Error && !r.Category!.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))
            .Select(r => $"{r.Level} {r.Category}: {Truncate(r.Message.Split('\n')[0], 200)} {r.Exception?.GetType().Name}: {r.Exception?.Message.Split('\n')[0]} {OurFrame(r.Exception)}")
            .Distinct().ToList();
        var ready = await _http.GetAsync("/health/ready");
        var (created, readBack) = await CreateNormalDepositAsync();

        output.WriteLine($"After the sweep: /health/ready {(int)ready.StatusCode}, a new deposit {(int)created}, reading it back {(int)readBack}");
        var violations = results.SelectMany(r => Judge(r.Request, r.Exchange).Select(v => (r.Request, r.Exchange, Problem: v))).ToList();
        Report(results, elapsed, before, after);

        var failures = new List<string>();
        if (violations.Count > 0)
        {
            failures.Add($"{violations.Count} request(s) broke the contract:\n  "
                         + string.Join("\n  ", violations.Select(v => $"[{v.Request.Route} | {v.Request.Category} | {v.Request.Name}] {v.Problem}"))
                         + "\n\nEach of them, with the request to replay it:\n"
                         + string.Join("\n\n", violations.Select(v => Describe(v.Request, v.Exchange, v.Problem))));
        }
        var changes = after.ChangesSince(before);
        if (changes.Count > 0)
        {
            failures.Add("Rows were written by hostile requests:\n  " + string.Join("\n  ", changes));
        }
        var postbackCases = results.Count(r => r.Request.Route == SweepRoutes.Postback);
        if (after.RejectedPostbacks - before.RejectedPostbacks > postbackCases)
        {
            failures.Add($"{after.RejectedPostbacks - before.RejectedPostbacks} rejected postbacks were recorded for {postbackCases} postback requests.");
        }
        if (gatewayCalls.Count > 0)
        {
            failures.Add($"Hostile requests reached the gateway {gatewayCalls.Count} time(s): {string.Join(", ", gatewayCalls.Distinct())}");
        }
        if (errorLogs.Count > 0)
        {
            failures.Add("Errors were logged during the sweep:\n  " + string.Join("\n  ", errorLogs.Take(40)));
        }
        if (ready.StatusCode != HttpStatusCode.OK || created != HttpStatusCode.Created || readBack != HttpStatusCode.OK)
        {
            failures.Add($"The service is not healthy afterwards: /health/ready {(int)ready.StatusCode}, new deposit {(int)created}, reading it {(int)readBack}.");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(corpus.Count >= 500, $"only {corpus.Count} requests");
    }

    /// <summary>Everything wrong with one exchange; empty when it kept the contract.</summary>
    private static IEnumerable<string> Judge(HostileRequest request, RawExchange exchange)
    {
        if (exchange.Outcome != ExchangeOutcome.Answered)
        {
            if (!request.ServerMayRefuse || exchange.Outcome is ExchangeOutcome.TimedOut or ExchangeOutcome.Garbled)
            {
                yield return $"no answer ({exchange.Outcome}: {exchange.Detail})";
            }
            yield break;
        }

        var response = exchange.Response!;
        if (response.Status >= 500 && !IsVersionRefusal(request, response))
        {
            yield return $"answered {response.Status}";
        }
        if (request.Route == SweepRoutes.DevToken && response.Status != 404 && !IsServerRefusal(request, response))
        {
            yield return $"/dev/token must not exist outside Development, answered {response.Status}";
        }
        foreach (var secret in new[] { MerchantApiFactory.PluginSecret, MerchantApiFactory.PostbackPrivateKey, TestTokens.SigningKey })
        {
            if (response.BodyText.Contains(secret, StringComparison.Ordinal) || response.Headers.Any(h => h.Value.Contains(secret, StringComparison.Ordinal)))
            {
                yield return "a secret appears in the answer";
            }
        }
        if (response.Status is >= 400 and < 500 && !IsServerRefusal(request, response) && ShapeProblem(request, response) is { } shape)
        {
            yield return shape;
        }
    }

    /// <summary>Kestrel's 505 to a request line whose version is not HTTP/1.x: the protocol's own answer, before the application.</summary>
    private static bool IsVersionRefusal(HostileRequest request, RawResponse response) =>
        request.UnsupportedVersion && response.Status == 505 && response.Body.Length == 0 && response.Header("Content-Type") is null;

    /// <summary>Kestrel's own answer to a request it would not parse: an empty 4xx, before the application.</summary>
    private static bool IsServerRefusal(HostileRequest request, RawResponse response) =>
        request.ServerMayRefuse && response.Status is >= 400 and < 500 && response.Body.Length == 0 && response.Header("Content-Type") is null;

    private static string? ShapeProblem(HostileRequest request, RawResponse response)
    {
        var expected = request.Shape == ErrorShape.GatewayFail ? "application/json" : "application/problem+json";
        if (response.MediaType != expected)
        {
            return $"a {response.Status} as '{response.Header("Content-Type") ?? "(no content type)"}', not {expected}";
        }
        if (request.IsHead)
        {
            return null;
        }
        try
        {
            using var body = JsonDocument.Parse(response.Body);
            var root = body.RootElement;
            if (request.Shape == ErrorShape.GatewayFail)
            {
                return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var status) && status.ValueEquals("fail")
                    ? null : "the postback's 4xx is not {\"status\":\"fail\",…}";
            }
            if (!(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var code) && code.ValueKind == JsonValueKind.Number
                  && code.GetInt32() == response.Status && root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String))
            {
                return "the problem lacks a matching status or a title";
            }
            // The one error contract: this project's type (never an RFC 9110 section) and a detail saying what to change.
            if (!root.TryGetProperty("type", out var type) || type.GetString()?.StartsWith(Paykassma.Merchant.Api.Hosting.Problems.Base, StringComparison.Ordinal) != true)
            {
                return "the problem's type is not one of this project's";
            }
            return root.TryGetProperty("detail", out var detail) && !string.IsNullOrWhiteSpace(detail.GetString())
                ? null : "the problem has no detail saying what to change";
        }
        catch (JsonException)
        {
            return "the 4xx body is not JSON";
        }
    }

    private static string Describe(HostileRequest request, RawExchange exchange, string problem)
    {
        var response = exchange.Response;
        var answer = response is null ? exchange.Outcome.ToString()
            : $"{response.Status} {response.Header("Content-Type")} {Truncate(response.BodyText, 300)}";
        return $"[{request.Route} | {request.Category} | {request.Name}] {problem}\n  answer: {answer}\n  request:\n{request.Reproducer}";
    }

    /// <summary>Where in the service's own code an exception was thrown or passed through, if anywhere.</summary>
    private static string OurFrame(Exception? exception) =>
        exception?.ToString().Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at Paykassma.", StringComparison.Ordinal)) ?? "";

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private void Report(List<(HostileRequest Request, RawExchange Exchange)> results, TimeSpan elapsed, DatabaseFingerprint before, DatabaseFingerprint after)
    {
        static string Bucket(HostileRequest request, RawExchange exchange) => exchange.Outcome switch
        {
            ExchangeOutcome.Answered when IsServerRefusal(request, exchange.Response!) || IsVersionRefusal(request, exchange.Response!) =>
                $"{exchange.Response!.Status}(server)",
            ExchangeOutcome.Answered => exchange.Response!.Status.ToString(CultureInfo.InvariantCulture),
            ExchangeOutcome.Reset or ExchangeOutcome.ClosedWithoutAnswer => "dropped",
            ExchangeOutcome.Http2Frames => "h2-frames",
            _ => exchange.Outcome.ToString(),
        };
        string Line(IEnumerable<(HostileRequest Request, RawExchange Exchange)> group) =>
            string.Join(", ", group.GroupBy(r => Bucket(r.Request, r.Exchange)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}"));

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{results.Count} hostile requests in {elapsed.TotalSeconds:0.0} s " +
                                                      $"({results.Sum(r => (long)r.Request.Bytes.Length) / 1024.0 / 1024:0.0} MB sent)");
        text.AppendLine("By status (NNN(server) = Kestrel's own empty answer to a request that is not valid HTTP/1.1 or breaks its limits, " +
                        "505 only to a version other than 1.x; dropped = connection closed without an answer; h2-frames = HTTP/2 spoken to the HTTP/2 preface):");
        text.AppendLine("  " + Line(results));
        text.AppendLine("By route:");
        foreach (var route in results.GroupBy(r => r.Request.Route).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {route.Key,-40} {route.Count(),4}: {Line(route)}");
        }
        text.AppendLine("By category:");
        foreach (var category in results.GroupBy(r => r.Request.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {category.Key,-40} {category.Count(),4}: {Line(category)}");
        }
        text.AppendLine("Answered 2xx on a route that changes state (each must be a read, an allowed method, or nothing stored):");
        foreach (var (request, exchange) in results.Where(r => r.Exchange.Response?.Status is >= 200 and < 300
                     && r.Request.Route is SweepRoutes.CreateDeposit or SweepRoutes.Window or SweepRoutes.SubmitProof or SweepRoutes.Postback
                         or SweepRoutes.CreatePayout or SweepRoutes.OpsRetry or SweepRoutes.OpsReverify or SweepRoutes.OpsApprove or SweepRoutes.OpsReject
                         or SweepRoutes.OpsRetryPayout or SweepRoutes.OpsRedeliver or SweepRoutes.OpsAttentionSeen))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {exchange.Response!.Status} {request.Route} | {request.Category} | {request.Name}");
        }
        var notValidHttp = results.Where(r => r.Request.ServerMayRefuse).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"Not valid HTTP or beyond server limits: {notValidHttp.Count} requests: {Line(notValidHttp)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Rejected postbacks recorded: {after.RejectedPostbacks - before.RejectedPostbacks}");
        text.AppendLine("Tables before -> after:");
        foreach (var (table, state) in after.Tables)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {table,-40} {before.Tables.GetValueOrDefault(table).Rows} -> {state.Rows}");
        }
        // Every exchange, one line each, for whoever wants to look at a single case.
        var listing = Path.Combine(AppContext.BaseDirectory, "sweep-results.tsv");
        File.WriteAllLines(listing, results.Select(r => string.Join('\t', r.Request.Route, r.Request.Category, r.Request.Name,
            Bucket(r.Request, r.Exchange), r.Exchange.Response?.Header("Content-Type") ?? "", Truncate(r.Exchange.Response?.BodyText.ReplaceLineEndings(" ") ?? r.Exchange.Detail ?? "", 160))));
        text.AppendLine(CultureInfo.InvariantCulture, $"Each exchange: {listing}");
        output.WriteLine(text.ToString());
    }
}
